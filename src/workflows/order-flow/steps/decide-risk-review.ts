import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { DecideReviewInput, RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"

export const decideRiskReviewStepId = "decide-risk-review-step"

/** pending → approved | rejected, once; a second decision fails with a conflict. */
export const decideRiskReviewStep = createStep(
  decideRiskReviewStepId,
  async (input: DecideReviewInput, { container }) => {
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    const review = await service.decideReview(input)
    return new StepResponse(
      {
        id: review.id as string,
        order_id: review.order_id as string,
        status: review.status as "approved" | "rejected",
        decided_by: review.decided_by as string,
        decided_at: review.decided_at as Date,
      },
      review.id as string
    )
  },
  async (id, { container }) => {
    if (!id) {
      return
    }
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    await service.reopenReview(id)
  }
)
