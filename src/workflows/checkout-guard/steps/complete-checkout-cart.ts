import { MedusaError, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { completeCartWorkflowId } from "@medusajs/medusa/core-flows"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"

export type CompleteCheckoutCartOutcome = {
  checkout_id: string
  claim_id: string | null
  order_id: string | null
  error: string | null
  error_type: string | null
}

export const completeCheckoutCartStepId = "complete-checkout-cart-step"

/**
 * Places the order of a checkout answered at arrival: core's completeCartWorkflow, run
 * through the workflow engine exactly as core's `POST /store/carts/:id/complete` runs it
 * (so the checkout guard's hooks adopt the claim taken at arrival, and the run is recorded
 * as core's checkout). Core's completion is idempotent per cart: a checkout completed
 * again (its process died after placing the order) gets the same order back.
 *
 * A completion that fails (a declined payment, a cart that is not ready) is the buyer's
 * answer, not this run's failure: it is returned as the outcome (`error`, and Medusa's
 * error type), and the next step settles the checkout with it. A checkout already settled
 * is returned as it stands.
 */
export const completeCheckoutCartStep = createStep(
  completeCheckoutCartStepId,
  async (input: { checkout_id: string }, { container }) => {
    const service: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
    const checkout = await service.retrieveStockCheckout(input.checkout_id)
    const outcome: CompleteCheckoutCartOutcome = {
      checkout_id: checkout.id,
      claim_id: checkout.claim_id ?? null,
      order_id: checkout.order_id ?? null,
      error: checkout.error ?? null,
      error_type: checkout.error_type ?? null,
    }
    if (checkout.state !== "claimed") {
      return new StepResponse(outcome)
    }
    const engine = container.resolve(Modules.WORKFLOW_ENGINE)
    const { result, errors, transaction } = await engine.run(completeCartWorkflowId, {
      input: { id: checkout.cart_id },
      throwOnError: false,
    })
    if (errors?.length) {
      const error = errors[0].error as { message?: string; type?: string }
      return new StepResponse({ ...outcome, error: error?.message ?? "the order could not be placed", error_type: error?.type ?? null })
    }
    if (!transaction?.hasFinished?.()) {
      return new StepResponse({
        ...outcome,
        error: "the cart is being completed by another request",
        error_type: MedusaError.Types.CONFLICT,
      })
    }
    return new StepResponse({ ...outcome, order_id: (result as { id: string }).id })
  }
)
