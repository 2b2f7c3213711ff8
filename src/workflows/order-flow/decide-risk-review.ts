import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { recordAuditEntriesStep } from "../audit/steps/record-audit-entries"
import { decideRiskReviewStep } from "./steps/decide-risk-review"

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
 * Records an approve/reject decision on a pending review, once: a second decision (a
 * double click, the deadline job racing an admin) fails with a conflict. Carrying it out
 * is the order flow's: the caller then resumes the flow's run, which waits for exactly
 * this (`resumeOrderFlow(container, order_id, "review")`); approval hooks run there
 * (`orderFlowWorkflow.hooks.orderApproved` with `via: "review"`).
 *
 * @example
 * await decideRiskReviewWorkflow(container).run({
 *   input: { review_id: "rrev_123", decision: "approve", actor_id: "user_123", source: "admin" },
 * })
 * await resumeOrderFlow(container, review.order_id, "review")
 */
export const decideRiskReviewWorkflow = createWorkflow(decideRiskReviewWorkflowId, (input: DecideRiskReviewWorkflowInput) => {
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
  recordAuditEntriesStep(
    transform({ input, review }, ({ input, review }) => ({
      entries: [
        {
          actor_type: input.source === "admin" ? ("user" as const) : ("system" as const),
          actor_id: input.actor_id,
          action: "order.review_decided",
          target_type: "order",
          target_id: (review as any).order_id as string,
          details: { review_id: input.review_id, decision: input.decision, reason: input.reason ?? null, note: input.note ?? null },
        },
      ],
    }))
  )
  return new WorkflowResponse(review)
})
