import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"

export type CheckoutToRecover = {
  claim_id: string
  cart_id: string
  /** The order the cart became before its completion died, if it got that far. */
  order_id: string | null
  /** Whether core's order↔cart link exists (the completion got past its link step). */
  linked: boolean
} | null

export const findCheckoutToRecoverStepId = "find-checkout-to-recover-step"

/**
 * Finds the cart's held claim if nobody is completing it any more (its owner process is
 * gone, or it went stale), and the order the cart became if it got that far. Null when
 * there is nothing to recover: the claim was settled meanwhile, or its completion is alive.
 */
export const findCheckoutToRecoverStep = createStep(
  findCheckoutToRecoverStepId,
  async (input: { cart_id: string; stale_minutes: number }, { container }) => {
    const service: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
    const [claim] = await service.listClaimsToRecover({ stale_minutes: input.stale_minutes, cart_id: input.cart_id })
    if (!claim) {
      return new StepResponse(null as CheckoutToRecover)
    }
    const order = await service.findCartOrder({ cart_id: claim.cart_id, since: new Date(claim.created_at) })
    return new StepResponse({
      claim_id: claim.id,
      cart_id: claim.cart_id,
      order_id: order?.order_id ?? null,
      linked: order?.linked ?? false,
    } as CheckoutToRecover)
  }
)
