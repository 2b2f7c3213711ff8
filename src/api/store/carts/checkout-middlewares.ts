import { MedusaNextFunction, MedusaRequest, MedusaResponse, MiddlewareRoute } from "@medusajs/framework/http"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"
import { describeShortages, findShortages, mergeClaimLines } from "../../../modules/inventory-dedup/service"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"
import { getCartStockNeeds } from "../../../workflows/checkout-guard/cart-stock-needs"
import { AdmissionGate } from "./admission"

let gate: AdmissionGate | null = null

/**
 * In front of core's `POST /store/carts/:id/complete`: a cart that certainly cannot be
 * served is answered at once with the shortage named, before it queues; the others enter
 * a bounded queue so a burst never piles up behind core's 5-second inventory lock. The
 * binding decision stays with the claim inside the workflow.
 */
async function checkoutAdmission(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  const options = (req.scope.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().inventoryDedup
  if (!options.checkoutGuard) {
    return next()
  }

  const needs = await getCartStockNeeds(req.scope, req.params.id)
  if (needs?.lines.length) {
    const service: InventoryDedupModuleService = req.scope.resolve(INVENTORY_DEDUP_MODULE)
    const lines = mergeClaimLines(needs.lines)
    // Optimistic on purpose (held claims not counted): only a cart that cannot be served
    // whatever happens to the checkouts in flight is turned away here.
    const available = await service.previewAvailability(
      lines.map((l) => l.inventory_item_id),
      needs.location_ids,
      { countClaims: false }
    )
    const shortages = findShortages(lines, available)
    if (shortages.length) {
      res.status(400).json({ type: "not_allowed", code: "out_of_stock", message: describeShortages(shortages), shortages })
      return
    }
  }

  gate ??= new AdmissionGate(options.maxConcurrentCheckouts)
  const leave = await gate.enter(options.checkoutQueueTimeoutSeconds * 1000)
  if (!leave) {
    res.setHeader("Retry-After", "5")
    res.status(503).json({
      type: "unexpected_state",
      code: "checkout_busy",
      message: "Too many checkouts at once; your cart is unchanged, please retry in a few seconds.",
    })
    return
  }
  res.once("finish", leave)
  res.once("close", leave)
  next()
}

export const checkoutMiddlewares: MiddlewareRoute[] = [
  {
    method: ["POST"],
    matcher: "/store/carts/:id/complete",
    middlewares: [checkoutAdmission],
  },
]
