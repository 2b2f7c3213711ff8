import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"
import { RISK_REVIEW_MODULE, RiskAssessment, RiskReviewModuleService } from "../../../modules/risk-review"
import { OrderSummary } from "./assess-order-risk"

export const createRiskReviewStepId = "create-risk-review-step"

/** Opens the pending review of a held order, with the deadline the job enforces. */
export const createRiskReviewStep = createStep(
  createRiskReviewStepId,
  async (input: { assessment: RiskAssessment; summary: OrderSummary }, { container }) => {
    const options = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    const deadline = new Date(Date.now() + options.riskReview.reviewDeadlineHours * 60 * 60 * 1000)
    const review = await service.createRiskReviews({
      order_id: input.summary.order_id,
      status: "pending",
      score: input.assessment.score,
      level: input.assessment.level,
      reasons: input.assessment.reasons as unknown as Record<string, unknown>,
      order_summary: input.summary as unknown as Record<string, unknown>,
      deadline_at: deadline,
    })
    return new StepResponse({ id: review.id, deadline_at: deadline.toISOString() }, review.id)
  },
  async (id, { container }) => {
    if (!id) {
      return
    }
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    await service.deleteRiskReviews(id)
  }
)
