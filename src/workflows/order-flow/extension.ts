import { z } from "zod"
import { RiskAssessment, RiskDecision, RiskLevel } from "../../modules/risk-review"
import { OrderSummary } from "./steps/assess-order-risk"
import { PlannedShipmentGroup, ShipmentGroup } from "./steps/create-split-fulfillments"
import { RiskThresholds } from "./steps/get-order-flow-options"

/*
 * What the order flow's hooks receive and may return (see order-flow.ts), and how a
 * shop's risk extension is merged into the plugin's assessment.
 */

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

/** What the `orderApproved` hook receives: every approval, at once or in review. */
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

/** What the `beforeShipment` hook's handler receives. */
export type BeforeShipmentHookInput = {
  order_id: string
  /** The planned fulfilments: one per stock location holding the lines' reservations. */
  groups: ShipmentGroup[]
  additional_data?: Record<string, unknown>
}

/**
 * What a `beforeShipment` handler may return: the fulfilments to create instead, each with
 * its `location_id` (null: the shipping option's location), its lines and quantities, and
 * optionally a `shipping_option_id` (carrier) other than the one the customer chose.
 * Together the groups must cover every unfulfilled line; returning nothing keeps the plan.
 */
export type BeforeShipmentHookResult = { groups?: PlannedShipmentGroup[] }

export const beforeShipmentHookResultSchema = z
  .object({
    groups: z
      .array(
        z.object({
          location_id: z.string().min(1).nullable(),
          items: z.array(z.object({ id: z.string().min(1), quantity: z.number().finite().positive() })).min(1),
          shipping_option_id: z.string().min(1).nullable().optional(),
        })
      )
      .min(1)
      .optional(),
  })
  .strict()
  .optional()

/** What the `orderCanceled` hook's handler receives. */
export type OrderCanceledHookInput = {
  order_id: string
  /** Why, for the shop (e.g. "card testing pattern", "payment deadline passed"). */
  reason: string
  /** What the customer was told. */
  customer_message: string
  /** The customer notification, when one was sent. */
  notification_id: string | null
  additional_data?: Record<string, unknown>
}

