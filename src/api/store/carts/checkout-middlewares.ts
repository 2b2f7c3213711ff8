import { MedusaNextFunction, MedusaRequest, MedusaResponse, MiddlewareRoute } from "@medusajs/framework/http"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"
import { describeShortages, findShortages, mergeClaimLines } from "../../../modules/inventory-dedup/service"
import { Shortage } from "../../../modules/inventory-dedup/types"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"
import { getCartStockNeeds } from "../../../workflows/checkout-guard/cart-stock-needs"
import { AdmissionGate } from "./admission"

let gate: AdmissionGate | null = null

/**
 * Availability reads shared by every request asking about the same items within
 * `maxAgeMs`: a queue of hundreds of shoppers waiting on one hot item costs one query per
 * interval, not one per shopper.
 */
const recentReads = new Map<string, { at: number; value: Promise<Map<string, number>> }>()
function sharedAvailability(
  service: InventoryDedupModuleService,
  itemIds: string[],
  locationIds: string[],
  maxAgeMs: number
) {
  const key = `${itemIds.join(",")}|${[...locationIds].sort().join(",")}`
  const hit = recentReads.get(key)
  if (hit && Date.now() - hit.at <= maxAgeMs) {
    return hit.value
  }
  const value = service.previewAvailability(itemIds, locationIds, { countClaims: false })
  recentReads.set(key, { at: Date.now(), value })
  value.catch(() => recentReads.delete(key))
  if (recentReads.size > 1000) {
    recentReads.delete(recentReads.keys().next().value!)
  }
  return value
}

/**
 * Returns a check for the shortages of this cart that no checkout in flight can cure:
 * optimistic on purpose (held claims not counted), as the binding check is the claim.
 * The cart's lines are read once; only availability is read again on each call.
 */
async function shortageCheck(req: MedusaRequest) {
  const needs = await getCartStockNeeds(req.scope, req.params.id)
  if (!needs?.lines.length) {
    return async () => [] as Shortage[]
  }
  const service: InventoryDedupModuleService = req.scope.resolve(INVENTORY_DEDUP_MODULE)
  const lines = mergeClaimLines(needs.lines)
  const itemIds = lines.map((l) => l.inventory_item_id)
  return async (maxAgeMs = 0) =>
    findShortages(lines, await sharedAvailability(service, itemIds, needs.location_ids, maxAgeMs))
}

function refuseOutOfStock(res: MedusaResponse, shortages: Shortage[]) {
  res.status(400).json({ type: "not_allowed", code: "out_of_stock", message: describeShortages(shortages), shortages })
}

/**
 * In front of core's `POST /store/carts/:id/complete`: a cart that certainly cannot be
 * served is answered at once with the shortage named — before it queues, while it waits,
 * and when its turn comes. The others pass a bounded queue so a burst never piles up
 * behind core's 5-second inventory lock.
 */
async function checkoutAdmission(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  const options = (req.scope.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().inventoryDedup
  if (!options.checkoutGuard) {
    return next()
  }
  const shortages = await shortageCheck(req)
  const before = await shortages(50)
  if (before.length) {
    return refuseOutOfStock(res, before)
  }

  gate ??= new AdmissionGate(options.maxConcurrentCheckouts)
  const admission = await gate.enter(
    options.checkoutQueueTimeoutSeconds * 1000,
    async () => (await shortages(200)).length > 0
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
    return refuseOutOfStock(res, await shortages(200))
  }
  res.once("finish", admission.leave)
  res.once("close", admission.leave)
  try {
    const after = await shortages(0)
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
