import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { collectOrderHistoryStep } from "./steps/collect-order-history"
import { rebuildRecommendationsStep } from "./steps/rebuild-recommendations"
import { retireRecommendationResponsesStep } from "./steps/retire-recommendation-responses"

export const rebuildRecommendationsWorkflowId = "rebuild-recommendations"

/**
 * Recomputes "frequently bought together" from every order that counts (not canceled, not
 * a draft). Repairs anything incremental updates missed (an event lost while the server
 * was down) and applies time decay when `recommendation.decayHalfLifeDays` is set.
 *
 * @example
 * const { result } = await rebuildRecommendationsWorkflow(container).run()
 * // result: { orders, products, pairs, duration_ms, … }
 */
export const rebuildRecommendationsWorkflow = createWorkflow(rebuildRecommendationsWorkflowId, () => {
  const orders = collectOrderHistoryStep()
  const result = rebuildRecommendationsStep(orders)
  retireRecommendationResponsesStep()
  return new WorkflowResponse(result)
})
