import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { OrderFlowStage } from "../../modules/risk-review"
import { assessOrderRiskStep } from "./steps/assess-order-risk"
import { createOrderFlowStep } from "./steps/create-order-flow"
import { createRiskReviewStep } from "./steps/create-risk-review"
import { moveOrderFlowStageStep } from "./steps/move-order-flow-stage"

export type StartOrderFlowWorkflowInput = {
  order_id: string
  /** Re-run the assessment of a flow a crash left in `assessing`. */
  resume?: boolean
}

export const startOrderFlowWorkflowId = "start-order-flow"

const STAGE_FOR_DECISION: Record<string, OrderFlowStage> = {
  approve: "approved",
  hold: "under_review",
  reject: "rejected",
}

/**
 * Starts a placed order's flow: claims the order's single flow row, scores the order's
 * risk and either approves it, holds it for a review with a deadline, or rejects it.
 * A second start for the same order (a replayed event, another instance) finds the row
 * and does nothing. The next stages run from `advanceOrderFlow`.
 *
 * @example
 * const { result } = await startOrderFlowWorkflow(container).run({
 *   input: { order_id: "order_123" },
 *   transactionId: "order-flow:order_123",
 * })
 * // result: { created: true, stage: "under_review", review_id: "rrev_…" }
 */
export const startOrderFlowWorkflow = createWorkflow(
  startOrderFlowWorkflowId,
  (input: StartOrderFlowWorkflowInput) => {
    const started = createOrderFlowStep({ order_id: input.order_id, resume: input.resume })

    const risk = when({ started }, ({ started }) => started.proceed).then(() =>
      assessOrderRiskStep({ order_id: input.order_id })
    )

    const review = when({ risk }, ({ risk }) => risk?.assessment.decision === "hold").then(() =>
      createRiskReviewStep(transform({ risk }, ({ risk }) => risk!))
    )

    const moved = moveOrderFlowStageStep(
      transform({ risk, review, input }, ({ risk, review, input }) =>
        !risk
          ? { order_id: input.order_id, from: [] as OrderFlowStage[], to: "assessing" as OrderFlowStage, skip: true }
          : {
              order_id: input.order_id,
              from: ["assessing" as OrderFlowStage],
              to: STAGE_FOR_DECISION[risk.assessment.decision],
              patch: {
                risk_score: risk.assessment.score,
                risk_level: risk.assessment.level,
                risk_decision: risk.assessment.decision,
                risk_reasons: risk.assessment.reasons,
                ...(risk.assessment.decision === "reject"
                  ? { failure_reason: "rejected automatically by the risk rules" }
                  : {}),
              },
              event: {
                stage: "risk_assessment",
                status: risk.assessment.decision,
                detail: {
                  score: risk.assessment.score,
                  level: risk.assessment.level,
                  reasons: risk.assessment.reasons,
                  review_id: review?.id ?? null,
                  review_deadline_at: review?.deadline_at ?? null,
                },
              },
            }
      )
    )

    return new WorkflowResponse(
      transform({ started, moved, review }, ({ started, moved, review }) => ({
        created: started.created,
        proceeded: started.proceed,
        stage: (moved?.stage ?? started.stage) as string,
        review_id: review?.id ?? null,
      }))
    )
  }
)
