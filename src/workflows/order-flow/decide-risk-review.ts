import { createHook, createWorkflow, Hook, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { OrderFlowStage } from "../../modules/risk-review"
import { decideRiskReviewStep } from "./steps/decide-risk-review"
import { moveOrderFlowStageStep } from "./steps/move-order-flow-stage"
import type { OrderApprovedHookInput } from "./start-order-flow"

export type DecideRiskReviewWorkflowInput = {
  review_id: string
  decision: "approve" | "reject"
  /** The admin user's id, or `system:deadline`. */
  actor_id: string
  source: "admin" | "deadline"
  reason?: string | null
  note?: string | null
  /** Passed as it is to the `reviewApproved` hook. */
  additional_data?: Record<string, unknown>
}

export const decideRiskReviewWorkflowId = "decide-risk-review"

/**
 * Records an approve/reject decision on a pending review (once: a second decision fails
 * with a conflict) and moves the order's flow out of review. Carrying the decision out —
 * capture and shipment, or cancellation — is `advanceOrderFlow`'s next stage.
 *
 * Hook `reviewApproved` — after a held order was approved (by an admin, or by the deadline
 * policy "approve") and its flow moved to `approved`: receives OrderApprovedHookInput with
 * `via: "review"`, the same input as `startOrderFlowWorkflow.hooks.orderApproved`, so one
 * handler registered on both sees every approval. A rejection runs no hook here; its
 * cancellation runs `cancelOrderFlowWorkflow.hooks.orderCanceled`. A handler that throws
 * fails the decision: the review is reopened and the flow goes back to `under_review`.
 *
 * @example
 * await decideRiskReviewWorkflow(container).run({
 *   input: { review_id: "rrev_123", decision: "approve", actor_id: "user_123", source: "admin" },
 * })
 *
 * @example
 * // In the shop: src/workflows/hooks/omniflow-review-approved.ts
 * import { StepResponse } from "@medusajs/framework/workflows-sdk"
 * import { decideRiskReviewWorkflow } from "medusa-plugin-omniflow/workflows"
 *
 * decideRiskReviewWorkflow.hooks.reviewApproved(async ({ order_id, approved_by, review_id }, { container }) => {
 *   container.resolve("logger").info(`order ${order_id} approved in review ${review_id} by ${approved_by}`)
 *   return new StepResponse(undefined)
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

    const moved = moveOrderFlowStageStep(
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

    let reviewApproved!: Hook<"reviewApproved", OrderApprovedHookInput, unknown>
    when("review-approved", { review, moved }, ({ review, moved }) => review.status === "approved" && moved?.stage === "approved").then(
      () => {
        reviewApproved = createHook<"reviewApproved", OrderApprovedHookInput, unknown>(
          "reviewApproved",
          transform({ review, input }, ({ review, input }) => ({
            order_id: review.order_id,
            via: "review" as const,
            review_id: review.id,
            approved_by: input.actor_id,
            additional_data: input.additional_data,
          }))
        )
      }
    )

    return new WorkflowResponse(review, { hooks: [reviewApproved] })
  }
)
