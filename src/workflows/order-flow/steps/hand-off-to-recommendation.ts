import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"
import { recordOrderCopurchasesWorkflow } from "../../recommendation"

export const handOffToRecommendationStepId = "hand-off-to-recommendation-step"

/** The registration key of the recommendation module, when the shop runs it. */
const RECOMMENDATION_KEY = "recommendation"

/**
 * Feeds the approved order to "frequently bought together" when that module is
 * installed. Recommendations are a nicety: a failure here is recorded on the timeline and
 * never holds up the shipment.
 */
export const handOffToRecommendationStep = createStep(
  handOffToRecommendationStepId,
  async (input: { order_id: string }, { container }) => {
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    if (!container.hasRegistration(RECOMMENDATION_KEY)) {
      await service.recordEvent(input.order_id, { stage: "recommendation", status: "skipped", detail: { why: "not installed" } })
      return new StepResponse({ status: "skipped" })
    }
    try {
      // Idempotent per order: the module's own order.placed subscriber may have counted it already.
      const { result } = await recordOrderCopurchasesWorkflow(container).run({ input: { order_id: input.order_id } })
      await service.recordEvent(input.order_id, {
        stage: "recommendation",
        status: "recorded",
        detail: { applied: result.applied, products: result.product_ids?.length ?? 0 },
      })
      return new StepResponse({ status: "recorded" })
    } catch (e) {
      await service.recordEvent(input.order_id, {
        stage: "recommendation",
        status: "failed",
        detail: { error: (e as Error).message },
      })
      return new StepResponse({ status: "failed" })
    }
  }
)
