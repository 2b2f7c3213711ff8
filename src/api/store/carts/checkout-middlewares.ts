import { MedusaNextFunction, MedusaRequest, MedusaResponse, MiddlewareRoute } from "@medusajs/framework/http"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"
import { describeShortages, findShortages, mergeClaimLines } from "../../../modules/inventory-dedup/service"
import { Shortage } from "../../../modules/inventory-dedup/types"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"
import { getCartStockNeeds } from "../../../workflows/checkout-guard/cart-stock-needs"
import { AdmissionGate } from "./admission"

let gate: AdmissionGate | null = null

/**
 * The shortages of a cart that cannot be served even if every checkout in flight failed.
 * Optimistic on purpose (held claims not counted): the binding check is the claim.
 */
async function certainShortages(req: MedusaRequest) {
  const needs = await getCartStockNeeds(req.scope, req.params.id)
  if (!needs?.lines.length) {
    return []
  }
  const service: InventoryDedupModuleService = req.scope.resolve(INVENTORY_DEDUP_MODULE)
  const lines = mergeClaimLines(needs.lines)
  const available = await service.previewAvailability(
    lines.map((l) => l.inventory_item_id),
    needs.location_ids,
    { countClaims: false }
  )
  return findShortages(lines, available)
}

function refuseOutOfStock(res: MedusaResponse, shortages: Shortage[]) {
  res.status(400).json({ type: "not_allowed", code: "out_of_stock", message: describeShortages(shortages), shortages })
}

/**
 * In front of core's `POST /store/carts/:id/complete`: a cart that certainly cannot be
 * served is answered at once with the shortage named — before it queues, and again when
 * its turn comes, since the stock may have gone while it waited. The others enter a
 * bounded queue so a burst never piles up behind core's 5-second inventory lock.
 */
async function checkoutAdmission(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  const options = (req.scope.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().inventoryDedup
  if (!options.checkoutGuard) {
    return next()
  }
  const before = await certainShortages(req)
  if (before.length) {
    return refuseOutOfStock(res, before)
  }

  gate ??= new AdmissionGate(options.maxConcurrentCheckouts)
  const admission = await gate.enter(
    options.checkoutQueueTimeoutSeconds * 1000,
    async () => (await certainShortages(req)).length > 0
  )
  if (admission === "timeout") {
    res.setHeader("Retry-After", "5")
    res.status(503).json({
      type: "unexpected_state",
      code: "checkout_busy",
      message: "Too many checkouts at once; your cart is unchanged, please retry in a few seconds.",
    })
    return
  }
  if (admission === "gave_up") {
    return refuseOutOfStock(res, await certainShortages(req))
  }
  res.once("finish", admission.leave)
  res.once("close", admission.leave)
  try {
    const after = await certainShortages(req)
    if (after.length) {
      return refuseOutOfStock(res, after)
    }
  } catch (e) {
    return next(e)
  }
  next()
}

export const checkoutMiddlewares: MiddlewareRoute[] = [
  {
    method: ["POST"],
    matcher: "/store/carts/:id/complete",
    middlewares: [checkoutAdmission],
  },
]
