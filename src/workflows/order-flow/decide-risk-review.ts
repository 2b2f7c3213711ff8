import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { OrderFlowStage } from "../../modules/risk-review"
import { decideRiskReviewStep } from "./steps/decide-risk-review"
import { moveOrderFlowStageStep } from "./steps/move-order-flow-stage"

export type DecideRiskReviewWorkflowInput = {
  review_id: string
  decision: "approve" | "reject"
  /** The admin user's id, or `system:deadline`. */
  actor_id: string
  source: "admin" | "deadline"
  reason?: string | null
  note?: string | null
}

export const decideRiskReviewWorkflowId = "decide-risk-review"

/**
 * Records an approve/reject decision on a pending review (once: a second decision fails
 * with a conflict) and moves the order's flow out of review. Carrying the decision out —
 * capture and shipment, or cancellation — is `advanceOrderFlow`'s next stage.
 *
 * @example
 * await decideRiskReviewWorkflow(container).run({
 *   input: { review_id: "rrev_123", decision: "approve", actor_id: "user_123", source: "admin" },
 * })
 */
export const decideRiskReviewWorkflow = createWorkflow(
  decideRiskReviewWorkflowId,
  (input: DecideRiskReviewWorkflowInput) => {
    const review = decideRiskReviewStep(
      transform({ input }, ({ input }) => ({
        id: input.review_id,
        status: input.decision === "approve" ? ("approved" as const) : ("rejected" as const),
        decided_by: input.actor_id,
        decision_source: input.source,
        reason: input.reason ?? null,
        note: input.note ?? null,
      }))
    )

    moveOrderFlowStageStep(
      transform({ review, input }, ({ review, input }) => ({
        order_id: review.order_id,
        from: ["under_review" as OrderFlowStage],
        to: (input.decision === "approve" ? "approved" : "rejected") as OrderFlowStage,
        patch:
          input.decision === "reject"
            ? { failure_reason: input.reason ?? (input.source === "deadline" ? "review deadline passed" : "rejected in review") }
            : {},
        event: {
          stage: "review",
          status: review.status,
          detail: {
            review_id: review.id,
            decided_by: input.actor_id,
            source: input.source,
            reason: input.reason ?? null,
            note: input.note ?? null,
          },
        },
      }))
    )

    return new WorkflowResponse(review)
  }
)
