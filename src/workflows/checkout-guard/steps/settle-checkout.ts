import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"
import type { CompleteCheckoutCartOutcome } from "./complete-checkout-cart"

export const settleCheckoutStepId = "settle-checkout-step"

/**
 * Ends a checkout answered at arrival: `placed` with its order, or `failed` with the
 * reason and its claim released, so the stock is back for the next buyer (keyed: a
 * repeat releases nothing twice; a claim core's compensation released already stays
 * released). Once: a checkout already settled keeps its outcome. A completion that found
 * the cart being completed elsewhere (a run of the same checkout, or a dead process's
 * claim not recovered yet) settles nothing: the checkout stays `claimed` for the run that
 * holds the cart, or for the resume job.
 */
export const settleCheckoutStep = createStep(
  settleCheckoutStepId,
  async (outcome: CompleteCheckoutCartOutcome, { container }) => {
    const service: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
    if (!outcome.order_id && outcome.error_type === MedusaError.Types.CONFLICT) {
      const [current] = await service.listStockCheckouts({ id: outcome.checkout_id })
      return new StepResponse(current)
    }
    if (outcome.order_id) {
      return new StepResponse(await service.settleCheckout({ id: outcome.checkout_id, state: "placed", order_id: outcome.order_id }))
    }
    if (outcome.claim_id) {
      await service.releaseClaim({
        key: `checkout:${outcome.checkout_id}:release`,
        claim_id: outcome.claim_id,
        reason: `checkout failed: ${outcome.error ?? "unknown"}`.slice(0, 500),
      })
    }
    return new StepResponse(
      await service.settleCheckout({
        id: outcome.checkout_id,
        state: "failed",
        error: outcome.error ?? "the order could not be placed",
        error_type: outcome.error_type,
      })
    )
  }
)
