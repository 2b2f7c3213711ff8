import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { RISK_REVIEW_MODULE, RiskReviewModuleService, RiskReviewStatus } from "../../../modules/risk-review"

export type ReviewDecision = {
  review_id: string | null
  status: RiskReviewStatus | null
  decided_by: string | null
  decision_source: string | null
  reason: string | null
  note: string | null
}

export const getReviewDecisionStepId = "get-review-decision-step"

/** Reads the order's review as it was decided: the database, not the wake-up, is the truth. */
export const getReviewDecisionStep = createStep(
  getReviewDecisionStepId,
  async (input: { order_id: string }, { container }) => {
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    const [review] = await service.listRiskReviews({ order_id: input.order_id })
    const decision: ReviewDecision = {
      review_id: review?.id ?? null,
      status: (review?.status as RiskReviewStatus) ?? null,
      decided_by: review?.decided_by ?? null,
      decision_source: review?.decision_source ?? null,
      reason: review?.reason ?? null,
      note: review?.note ?? null,
    }
    return new StepResponse(decision)
  }
)
