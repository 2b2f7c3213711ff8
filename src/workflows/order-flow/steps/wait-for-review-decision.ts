import { createStep } from "@medusajs/framework/workflows-sdk"
import { passWait } from "./pass-wait"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"

export const waitForReviewDecisionStepId = "wait-for-review-decision-step"

/**
 * A held order's flow waits here, inside its workflow run, until the review is decided —
 * by an admin (the decision route resumes the run) or by the deadline policy (the
 * deadline job). A review already decided when the run gets here is not waited for. The
 * wait is stored with the run (the engine checkpoints it) and on the flow row
 * (`waiting_for`), so it survives a restart.
 */
export const waitForReviewDecisionStep = createStep(
  { name: waitForReviewDecisionStepId, async: true },
  async (input: { order_id: string; active: boolean }, { container, context }) => {
    if (!input.active) {
      return passWait(container, context.idempotencyKey!)
    }
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    const [review] = await service.listRiskReviews({ order_id: input.order_id })
    if (!review || review.status !== "pending") {
      return passWait(container, context.idempotencyKey!)
    }
    await service.awaitSignal({
      order_id: input.order_id,
      run_id: context.transactionId!,
      waiting_for: "review",
      wait_until: new Date(review.deadline_at),
    })
  }
)
