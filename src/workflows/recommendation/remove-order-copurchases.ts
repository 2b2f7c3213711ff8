import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { removeOrderCopurchasesStep } from "./steps/remove-order-copurchases"
import { retireRecommendationResponsesStep } from "./steps/retire-recommendation-responses"

export type RemoveOrderCopurchasesWorkflowInput = { order_id: string }

export const removeOrderCopurchasesWorkflowId = "remove-order-copurchases"

/**
 * Takes a canceled order back out of "frequently bought together", so every score returns
 * exactly to what it was before the order. An order that was never counted is a no-op.
 *
 * @example
 * await removeOrderCopurchasesWorkflow(container).run({ input: { order_id: "order_123" } })
 */
export const removeOrderCopurchasesWorkflow = createWorkflow(
  removeOrderCopurchasesWorkflowId,
  (input: RemoveOrderCopurchasesWorkflowInput) => {
    const result = removeOrderCopurchasesStep({ order_id: input.order_id })
    retireRecommendationResponsesStep()
    return new WorkflowResponse(result)
  }
)
