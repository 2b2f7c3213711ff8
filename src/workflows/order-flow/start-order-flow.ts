import {
  createHook,
  createStep,
  createWorkflow,
  Hook,
  StepResponse,
  transform,
  when,
  WorkflowResponse,
} from "@medusajs/framework/workflows-sdk"
import { z } from "zod"
import { OrderFlowStage, RiskAssessment, RiskDecision, RiskLevel } from "../../modules/risk-review"
import { assessOrderRiskStep, OrderSummary } from "./steps/assess-order-risk"
import { createOrderFlowStep } from "./steps/create-order-flow"
import { createRiskReviewStep } from "./steps/create-risk-review"
import { getRiskThresholdsStep, RiskThresholds } from "./steps/get-risk-thresholds"
import { moveOrderFlowStageStep } from "./steps/move-order-flow-stage"

export type StartOrderFlowWorkflowInput = {
  order_id: string
  /** Re-run the assessment of a flow a crash left in `assessing`. */
  resume?: boolean
  /** Passed as it is to the `riskAssessed` and `orderApproved` hooks. */
  additional_data?: Record<string, unknown>
}

export const startOrderFlowWorkflowId = "start-order-flow"

const STAGE_FOR_DECISION: Record<string, OrderFlowStage> = {
  approve: "approved",
  hold: "under_review",
  reject: "rejected",
}

/** One reason of an assessment: the plugin's rules and the rules a shop adds. */
export type RiskAssessmentReason = { rule: string; points: number; detail: string }

/** What the `riskAssessed` hook's handler receives. */
export type RiskAssessedHookInput = {
  order_id: string
  /** The order as the rules saw it: display id, email, customer, total, currency. */
  order: OrderSummary
  /** The plugin's own assessment, before any extension. */
  assessment: RiskAssessment
  additional_data?: Record<string, unknown>
}

/**
 * What a `riskAssessed` handler may return (all optional): `reasons` are added to the
 * plugin's, their points to the score, and the decision follows the new score like the
 * plugin's own rules do; `decision` overrides whatever the score says; `note` says why,
 * on the timeline.
 */
export type RiskAssessedHookResult = {
  reasons?: RiskAssessmentReason[]
  decision?: RiskDecision
  note?: string
}

export const riskAssessedHookResultSchema = z
  .object({
    reasons: z
      .array(
        z.object({
          rule: z.string().min(1),
          points: z.number().finite().nonnegative(),
          detail: z.string(),
        })
      )
      .optional(),
    decision: z.enum(["approve", "hold", "reject"]).optional(),
    note: z.string().optional(),
  })
  .strict()
  .optional()

/** The thresholds that turn a score into a level and a decision (options `riskReview.*`). */

/** The assessment the flow stores and acts on: the plugin's, merged with a shop's extension. */
export type MergedRiskAssessment = {
  score: number
  level: RiskLevel
  decision: RiskDecision
  reasons: RiskAssessmentReason[]
  /** Set when a `riskAssessed` handler overrode the decision the score gives. */
  override: { decision: RiskDecision; score_decision: RiskDecision; note: string | null } | null
  /** Set when a handler changed anything: what the plugin's rules said on their own. */
  rules_assessment: RiskAssessment | null
}

/**
 * Merges what a `riskAssessed` handler returned into the plugin's assessment: extra reasons
 * add their points; level and decision follow the new score exactly as in `assessRisk`
 * (an order with unreservable stock is always held); an explicit `decision` wins over the
 * score. No extension returns the assessment unchanged.
 */
export function mergeRiskAssessment(
  assessment: RiskAssessment,
  extension: RiskAssessedHookResult | undefined,
  rules: RiskThresholds
): MergedRiskAssessment {
  const extra = extension?.reasons ?? []
  if (!extra.length && !extension?.decision) {
    return { ...assessment, override: null, rules_assessment: null }
  }
  const reasons: RiskAssessmentReason[] = [...assessment.reasons, ...extra]
  const score = reasons.reduce((s, r) => s + r.points, 0)
  const level: RiskLevel = score >= rules.rejectScore ? "high" : score >= rules.holdScore ? "medium" : "low"
  const mustHold = assessment.reasons.some((r) => r.rule === "stock_unreserved")
  const byScore: RiskDecision =
    rules.autoReject && score >= rules.rejectScore ? "reject" : score >= rules.holdScore || mustHold ? "hold" : "approve"
  const decision = extension?.decision ?? byScore
  return {
    score,
    level,
    decision,
    reasons,
    override: extension?.decision
      ? { decision: extension.decision, score_decision: byScore, note: extension.note ?? null }
      : null,
    rules_assessment: assessment,
  }
}

/**
 * What the approval hooks receive — `startOrderFlowWorkflow.hooks.orderApproved` (approved
 * at once by the risk check) and `decideRiskReviewWorkflow.hooks.reviewApproved` (a held
 * order approved in review) have the same input, so one handler can serve both.
 */
export type OrderApprovedHookInput = {
  order_id: string
  /** `assessment`: approved at once; `review`: approved in review. */
  via: "assessment" | "review"
  /** The approved review (`via: "review"`), else null. */
  review_id: string | null
  /**
   * Who approved: the admin user's id, `system:deadline` (the deadline policy),
   * `system:risk_rules` (a low score) or `system:risk_extension` (a `riskAssessed` override).
   */
  approved_by: string
  additional_data?: Record<string, unknown>
}

/**
 * Starts a placed order's flow: claims the order's single flow row, scores the order's
 * risk and either approves it, holds it for a review with a deadline, or rejects it.
 * A second start for the same order (a replayed event, another instance) finds the row
 * and does nothing. The next stages run from `advanceOrderFlow`.
 *
 * Hooks (one handler each, registered by the shop in `src/workflows/hooks/*.ts`):
 * - `riskAssessed` — after scoring, before anything is stored: receives
 *   `{ order_id, order, assessment, additional_data }` and may return
 *   `new StepResponse({ reasons?, decision?, note? })` (see RiskAssessedHookResult). The
 *   merged assessment is what the flow stores, what the review shows and what is acted on.
 * - `orderApproved` — after an order was approved at once (by the score or an override):
 *   receives OrderApprovedHookInput with `via: "assessment"`. Orders approved later, in
 *   review, pass `decideRiskReviewWorkflow.hooks.reviewApproved` instead.
 *
 * A handler that throws fails the run like any step: the flow row is deleted again and
 * the next start (the sweeper) begins clean.
 *
 * @example
 * const { result } = await startOrderFlowWorkflow(container).run({
 *   input: { order_id: "order_123", additional_data: { channel: "pos" } },
 *   transactionId: "order-flow:order_123",
 * })
 * // result: { created: true, stage: "under_review", review_id: "rrev_…" }
 *
 * @example
 * // In the shop: src/workflows/hooks/omniflow-risk.ts — add a rule, or decide outright.
 * import { StepResponse } from "@medusajs/framework/workflows-sdk"
 * import { startOrderFlowWorkflow, RiskAssessedHookResult } from "medusa-plugin-omniflow/workflows"
 *
 * startOrderFlowWorkflow.hooks.riskAssessed(async ({ order, assessment }, { container }) => {
 *   if (order.email?.endsWith("@mailinator.com")) {
 *     // +50 points: held for review unless the score already says more.
 *     return new StepResponse<RiskAssessedHookResult>({
 *       reasons: [{ rule: "disposable_email", points: 50, detail: "disposable email domain" }],
 *     })
 *   }
 *   if (order.customer_id && (await isWholesaleAccount(container, order.customer_id))) {
 *     return new StepResponse<RiskAssessedHookResult>({ decision: "approve", note: "wholesale account, invoiced" })
 *   }
 *   // Nothing returned: the plugin's assessment stands.
 * })
 *
 * @example
 * // In the shop: src/workflows/hooks/omniflow-approved.ts — every approval, one handler.
 * import type { MedusaContainer } from "@medusajs/framework/types"
 * import { StepResponse } from "@medusajs/framework/workflows-sdk"
 * import { decideRiskReviewWorkflow, startOrderFlowWorkflow } from "medusa-plugin-omniflow/workflows"
 * import type { OrderApprovedHookInput } from "medusa-plugin-omniflow/workflows"
 *
 * const onApproved = async ({ order_id, via }: OrderApprovedHookInput, { container }: { container: MedusaContainer }) => {
 *   await container.resolve("erpSync").pushOrder(order_id, { via })
 *   return new StepResponse(undefined)
 * }
 * startOrderFlowWorkflow.hooks.orderApproved(onApproved)
 * decideRiskReviewWorkflow.hooks.reviewApproved(onApproved)
 */
export const startOrderFlowWorkflow = createWorkflow(
  startOrderFlowWorkflowId,
  (input: StartOrderFlowWorkflowInput) => {
    const started = createOrderFlowStep({ order_id: input.order_id, resume: input.resume })

    let riskAssessed!: Hook<"riskAssessed", RiskAssessedHookInput, RiskAssessedHookResult | undefined>
    const risk = when("merge-order-risk-assessment", { started }, ({ started }) => started.proceed).then(() => {
      const assessed = assessOrderRiskStep({ order_id: input.order_id })
      riskAssessed = createHook<"riskAssessed", RiskAssessedHookInput, RiskAssessedHookResult | undefined>(
        "riskAssessed",
        {
          order_id: input.order_id,
          order: assessed.summary,
          assessment: assessed.assessment,
          additional_data: input.additional_data,
        },
        { resultValidator: riskAssessedHookResultSchema }
      )
      const extension = riskAssessed.getResult()
      const thresholds = getRiskThresholdsStep()
      return transform({ assessed, extension, thresholds }, ({ assessed, extension, thresholds }) => ({
        summary: assessed.summary,
        assessment: mergeRiskAssessment(assessed.assessment, extension, thresholds),
      }))
    })

    const review = when({ risk }, ({ risk }) => risk?.assessment.decision === "hold").then(() =>
      createRiskReviewStep(
        // The review shows the merged reasons, a shop's rules included.
        transform({ risk }, ({ risk }) => ({ summary: risk!.summary, assessment: risk!.assessment as RiskAssessment }))
      )
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
                  ? {
                      failure_reason: risk.assessment.override
                        ? `rejected by the shop's risk extension${risk.assessment.override.note ? `: ${risk.assessment.override.note}` : ""}`
                        : "rejected automatically by the risk rules",
                    }
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
                  ...(risk.assessment.override ? { override: risk.assessment.override } : {}),
                  // What the plugin's rules said before a shop's riskAssessed handler changed it.
                  ...(risk.assessment.rules_assessment
                    ? { rules: { score: risk.assessment.rules_assessment.score, decision: risk.assessment.rules_assessment.decision } }
                    : {}),
                },
              },
            }
      )
    )

    let orderApproved!: Hook<"orderApproved", OrderApprovedHookInput, unknown>
    when("order-approved-at-once", { moved }, ({ moved }) => moved?.stage === "approved").then(() => {
      orderApproved = createHook<"orderApproved", OrderApprovedHookInput, unknown>(
        "orderApproved",
        transform({ input, risk }, ({ input, risk }) => ({
          order_id: input.order_id,
          via: "assessment" as const,
          review_id: null,
          approved_by:
            risk?.assessment.override && risk.assessment.override.score_decision !== "approve"
              ? "system:risk_extension"
              : "system:risk_rules",
          additional_data: input.additional_data,
        }))
      )
    })

    return new WorkflowResponse(
      transform({ started, moved, review }, ({ started, moved, review }) => ({
        created: started.created,
        proceeded: started.proceed,
        stage: (moved?.stage ?? started.stage) as string,
        review_id: review?.id ?? null,
      })),
      { hooks: [riskAssessed, orderApproved] }
    )
  }
)
