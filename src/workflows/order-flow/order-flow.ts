import { createHook, createWorkflow, Hook, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { OrderFlowStage, RiskAssessment } from "../../modules/risk-review"
import {
  BeforeShipmentHookInput,
  BeforeShipmentHookResult,
  beforeShipmentHookResultSchema,
  mergeRiskAssessment,
  OrderApprovedHookInput,
  OrderCanceledHookInput,
  RiskAssessedHookInput,
  RiskAssessedHookResult,
  riskAssessedHookResultSchema,
} from "./extension"
import { assessOrderRiskStep } from "./steps/assess-order-risk"
import { cancelOrderOnceStep } from "./steps/cancel-order-once"
import { captureOrderPaymentsStep } from "./steps/capture-order-payments"
import { createOrderFlowStep } from "./steps/create-order-flow"
import { createRiskReviewStep } from "./steps/create-risk-review"
import { createSplitFulfillmentsStep } from "./steps/create-split-fulfillments"
import { finishCutOffFulfillmentsStep } from "./steps/finish-cut-off-fulfillments"
import { getOrderFlowOptionsStep } from "./steps/get-order-flow-options"
import { getOrderPaymentStateStep } from "./steps/get-order-payment-state"
import { getReviewDecisionStep } from "./steps/get-review-decision"
import { moveOrderFlowStageStep } from "./steps/move-order-flow-stage"
import { notifyCustomerStep } from "./steps/notify-customer"
import { planOrderShipmentStep } from "./steps/plan-order-shipment"
import { recordCutOffCapturesStep } from "./steps/record-cut-off-captures"
import { releaseOrderFlowStep } from "./steps/release-order-flow"
import { waitForPaymentStep } from "./steps/wait-for-payment"
import { waitForReviewDecisionStep } from "./steps/wait-for-review-decision"
import { waitForShippingWindowStep } from "./steps/wait-for-shipping-window"

export const orderFlowWorkflowId = "omniflow-order-flow"

export type OrderFlowWorkflowInput = {
  order_id: string
  /**
   * Continue an existing flow from its stored stage instead of starting one: from the run
   * that was cut off (its transaction id), or from a flow at rest (null).
   */
  takeover?: { from_run_id: string | null } | null
  /** Passed as it is to every hook. */
  additional_data?: Record<string, unknown>
}

/** What the customer is told when the shop calls their order off. */
export const CUSTOMER_MESSAGES = {
  rejected: "We could not accept your order after reviewing it. It has been canceled and you will not be charged.",
  payment: "We did not receive your payment in time. Your order has been canceled.",
  capture: "We could not collect your payment. Your order has been canceled.",
} as const

/** The customer message that goes with a cancellation reason recorded on the flow. */
export function customerMessageFor(reason: string | null | undefined): string {
  if (reason?.startsWith("payment deadline")) return CUSTOMER_MESSAGES.payment
  if (reason?.startsWith("payment capture")) return CUSTOMER_MESSAGES.capture
  return CUSTOMER_MESSAGES.rejected
}

export const ORDER_CANCELED_TEMPLATE = "omniflow-order-canceled"

/** The stages from which an order can still be called off. */
export const CANCELLABLE_STAGES: OrderFlowStage[] = [
  "assessing",
  "under_review",
  "approved",
  "rejected",
  "awaiting_payment",
  "capturing",
  "canceling",
]

const DECISION_STAGE: Record<string, OrderFlowStage> = { approve: "approved", hold: "under_review", reject: "rejected" }
const RETENTION_SECONDS = 7 * 24 * 3600

/**
 * An order's whole flow, from `order.placed` to its fulfilments or its cancellation, as
 * one long-running workflow run. It reads top to bottom:
 *
 * 1. **Assess** the order's risk (the plugin's rules, then a shop's `riskAssessed` hook)
 *    and approve it, hold it for review, or reject it.
 * 2. **Review** (held orders): the run waits in `wait-for-review-decision` until an admin
 *    decides (`POST /admin/risk-reviews/:id/approve|reject` resumes it) or the review's
 *    deadline passes (the deadline job applies the policy and resumes it).
 * 3. **Approved** (`orderApproved` hook), then **payment**: the authorised payment is
 *    captured through core's capturePaymentWorkflow; with nothing authorised yet the run
 *    waits in `wait-for-payment` until the payment arrives or its deadline passes.
 * 4. **Cancel** when rejected, unpaid in time or declined at capture: core's
 *    cancelOrderWorkflow once (stock back, payment cancelled or refunded), the customer
 *    told, `orderCanceled` hook.
 * 5. **Ship** after the shipping window (`wait-for-shipping-window`): one fulfilment per
 *    stock location holding the order's reservations (`beforeShipment` hook may regroup),
 *    created one after another under the order's lock.
 *
 * The `order_flow` row is the read model (stage, timeline, admin list), written by the
 * steps; every stage move is conditional, so two runs can never both take a transition.
 * A run that a crash cut off is detected by the sweeper and continued by a new run from
 * the stored stage (`takeover`); each section accepts the in-between stages it may find
 * (`capturing`, `shipping`, `canceling`) and repeats nothing that happened (captures and
 * fulfilments are read back, the cancellation is a keyed effect).
 *
 * Declined captures, failing fulfilment providers and a cancellation core refuses are
 * outcomes the flow records (cancel, or `failed` with the reason), not crashes: they do
 * not undo what the run did before. A hook handler that throws fails the run: it rolls
 * back (stage moves undone, a created review removed, captured payments refunded) and the
 * flow is discarded (failed in its assessment: the sweeper starts it again) or marked
 * `failed` with the reason.
 *
 * Hooks, one handler each (register in the shop's `src/workflows/hooks/*.ts`):
 * - `riskAssessed(RiskAssessedHookInput)` → optional `RiskAssessedHookResult`: extra rules
 *   and points, or a decision override.
 * - `orderApproved(OrderApprovedHookInput)`: every approval, `via: "assessment" | "review"`.
 * - `beforeShipment(BeforeShipmentHookInput)` → optional `BeforeShipmentHookResult`:
 *   regroup the fulfilments, pick a carrier per group.
 * - `orderCanceled(OrderCanceledHookInput)`: after the order was cancelled in core.
 *
 * @example
 * // The order.placed subscriber:
 * await orderFlowWorkflow(container).run({ input: { order_id: "order_123" } })
 *
 * @example
 * // In the shop: src/workflows/hooks/omniflow-risk.ts — add a rule, or decide outright.
 * import { StepResponse } from "@medusajs/framework/workflows-sdk"
 * import { orderFlowWorkflow, RiskAssessedHookResult } from "medusa-plugin-omniflow/workflows"
 *
 * orderFlowWorkflow.hooks.riskAssessed(async ({ order }, { container }) => {
 *   if (order.email?.endsWith("@mailinator.com")) {
 *     return new StepResponse<RiskAssessedHookResult>({
 *       reasons: [{ rule: "disposable_email", points: 50, detail: "disposable email domain" }],
 *     })
 *   }
 *   // Nothing returned: the plugin's assessment stands.
 * })
 */
export const orderFlowWorkflow = createWorkflow(
  { name: orderFlowWorkflowId, store: true, retentionTime: RETENTION_SECONDS },
  (input: OrderFlowWorkflowInput) => {
    const settings = getOrderFlowOptionsStep()
    const run = createOrderFlowStep({ order_id: input.order_id, takeover: input.takeover })

    // ── 1. Risk assessment ────────────────────────────────────────────────────────────
    let riskAssessed!: Hook<"riskAssessed", RiskAssessedHookInput, RiskAssessedHookResult | undefined>
    const risk = when("assess-order", { run }, ({ run }) => run.proceed && run.stage === "assessing").then(() => {
      const assessed = assessOrderRiskStep({ order_id: input.order_id })
      riskAssessed = createHook(
        "riskAssessed",
        { order_id: input.order_id, order: assessed.summary, assessment: assessed.assessment, additional_data: input.additional_data },
        { resultValidator: riskAssessedHookResultSchema }
      )
      const extension = riskAssessed.getResult()
      return transform({ assessed, extension, settings }, ({ assessed, extension, settings }) => ({
        summary: assessed.summary,
        assessment: mergeRiskAssessment(assessed.assessment, extension, settings.thresholds),
      }))
    })

    const review = when("hold-for-review", { risk }, ({ risk }) => risk?.assessment.decision === "hold").then(() =>
      // The review shows the merged reasons, a shop's rules included.
      createRiskReviewStep(
        transform({ risk }, ({ risk }) => ({ summary: risk!.summary, assessment: risk!.assessment as RiskAssessment }))
      )
    )

    const assessedMove = when("record-assessment", { risk }, ({ risk }) => !!risk).then(() =>
      moveOrderFlowStageStep(
        transform({ risk, review, input }, ({ risk, review, input }) => {
          const a = risk!.assessment
          return {
            order_id: input.order_id,
            from: ["assessing" as OrderFlowStage],
            to: DECISION_STAGE[a.decision],
            patch: {
              risk_score: a.score,
              risk_level: a.level,
              risk_decision: a.decision,
              risk_reasons: a.reasons,
              ...(a.decision === "reject"
                ? {
                    failure_reason: a.override
                      ? `rejected by the shop's risk extension${a.override.note ? `: ${a.override.note}` : ""}`
                      : "rejected automatically by the risk rules",
                  }
                : {}),
            },
            event: {
              stage: "risk_assessment",
              status: a.decision,
              detail: {
                score: a.score,
                level: a.level,
                reasons: a.reasons,
                review_id: review?.id ?? null,
                review_deadline_at: review?.deadline_at ?? null,
                ...(a.override ? { override: a.override } : {}),
                // What the plugin's rules said before a shop's riskAssessed handler changed it.
                ...(a.rules_assessment ? { rules: { score: a.rules_assessment.score, decision: a.rules_assessment.decision } } : {}),
              },
            },
          }
        })
      ).config({ name: "record-risk-decision" })
    )

    // Where the flow stands after each section: null when another run took a transition
    // (this one then does nothing more).
    const assessedStage = transform({ run, risk, assessedMove }, ({ run, risk, assessedMove }) =>
      !run.proceed ? null : risk ? (assessedMove?.stage ?? null) : (run.stage as OrderFlowStage)
    )

    // ── 2. Review: wait for the decision ─────────────────────────────────────────────
    // Waiting steps stay outside `when` (the engine runs a conditional long-running step in
    // the background instead of waiting); each is told whether its section applies.
    waitForReviewDecisionStep(
      transform({ input, assessedStage }, ({ input, assessedStage }) => ({
        order_id: input.order_id,
        active: assessedStage === "under_review",
      }))
    )
    const decision = when("review", { assessedStage }, ({ assessedStage }) => assessedStage === "under_review").then(() =>
      getReviewDecisionStep({ order_id: input.order_id })
    )

    const reviewMove = when("record-review", { decision }, ({ decision }) => !!decision && decision.status !== "pending").then(
      () =>
        moveOrderFlowStageStep(
          transform({ decision, input }, ({ decision, input }) => ({
            order_id: input.order_id,
            from: ["under_review" as OrderFlowStage],
            to: (decision!.status === "approved" ? "approved" : "rejected") as OrderFlowStage,
            patch:
              decision!.status === "rejected"
                ? {
                    failure_reason:
                      decision!.reason ?? (decision!.decision_source === "deadline" ? "review deadline passed" : "rejected in review"),
                  }
                : {},
            event: {
              stage: "review",
              status: decision!.status!,
              detail: {
                review_id: decision!.review_id,
                decided_by: decision!.decided_by,
                source: decision!.decision_source,
                reason: decision!.reason,
                note: decision!.note,
              },
            },
          }))
        ).config({ name: "record-review-decision" })
    )

    const reviewedStage = transform({ assessedStage, decision, reviewMove }, ({ assessedStage, decision, reviewMove }) =>
      decision ? (reviewMove?.stage ?? null) : assessedStage
    )

    let orderApproved!: Hook<"orderApproved", OrderApprovedHookInput, unknown>
    when("order-approved", { assessedMove, reviewMove }, ({ assessedMove, reviewMove }) =>
      [assessedMove?.stage, reviewMove?.stage].includes("approved")
    ).then(() => {
      orderApproved = createHook(
        "orderApproved",
        transform({ input, risk, decision, reviewMove }, ({ input, risk, decision, reviewMove }) => ({
          order_id: input.order_id,
          via: reviewMove ? ("review" as const) : ("assessment" as const),
          review_id: reviewMove ? decision!.review_id : null,
          approved_by: reviewMove
            ? decision!.decided_by!
            : risk?.assessment.override && risk.assessment.override.score_decision !== "approve"
              ? "system:risk_extension"
              : "system:risk_rules",
          additional_data: input.additional_data,
        }))
      )
    })

    // ── 3. Payment: capture, or wait for it until its deadline ───────────────────────
    const payment = when("check-payment", { reviewedStage, settings }, ({ reviewedStage, settings }) =>
      settings.capture_payment && ["approved", "awaiting_payment", "capturing"].includes(reviewedStage as string)
    ).then(() => getOrderPaymentStateStep({ order_id: input.order_id }))

    when("await-payment", { payment, reviewedStage }, ({ payment, reviewedStage }) => !!payment && !payment.ready && reviewedStage === "approved").then(
      () =>
        moveOrderFlowStageStep(
          transform({ input, settings }, ({ input, settings }) => {
            const deadline = new Date(Date.now() + settings.payment_deadline_minutes * 60_000)
            return {
              order_id: input.order_id,
              from: ["approved" as OrderFlowStage],
              to: "awaiting_payment" as OrderFlowStage,
              patch: { payment_deadline_at: deadline },
              event: { stage: "payment", status: "awaiting", detail: { deadline_at: deadline.toISOString() } },
            }
          })
        ).config({ name: "await-order-payment" })
    )

    waitForPaymentStep(
      transform({ input, payment }, ({ input, payment }) => ({ order_id: input.order_id, active: !!payment && !payment.ready }))
    )
    const paymentAfterWait = when("wait-payment", { payment }, ({ payment }) => !!payment && !payment.ready).then(() =>
      getOrderPaymentStateStep({ order_id: input.order_id }).config({ name: "recheck-order-payment" })
    )

    const capturable = transform({ payment, paymentAfterWait }, ({ payment, paymentAfterWait }) => {
      const state = paymentAfterWait ?? payment
      return state?.ready ? state : null
    })

    const captureClaim = when("claim-capture", { capturable }, ({ capturable }) => !!capturable).then(() =>
      moveOrderFlowStageStep({
        order_id: input.order_id,
        from: ["approved", "awaiting_payment", "capturing"],
        to: "capturing",
        event: { stage: "payment", status: "capturing" },
      }).config({ name: "claim-payment-capture" })
    )

    const capture = when("capture", { captureClaim }, ({ captureClaim }) => !!captureClaim).then(() => {
      const captured = captureOrderPaymentsStep(transform({ capturable }, ({ capturable }) => ({ payment_ids: capturable!.capturable_payment_ids })))
      // A capture an earlier run took before a crash cut it off has no order transaction yet.
      recordCutOffCapturesStep(transform({ input, captured }, ({ input }) => ({ order_id: input.order_id })))
      return captured
    })

    const paidMove = when("mark-paid", { capture }, ({ capture }) => !!capture && !capture.error).then(() =>
      moveOrderFlowStageStep(
        transform({ capture, input }, ({ capture, input }) => ({
          order_id: input.order_id,
          from: ["capturing" as OrderFlowStage],
          to: "paid" as OrderFlowStage,
          patch: { payment_deadline_at: null },
          event: { stage: "payment", status: "captured", detail: { payment_ids: capture!.captured } },
        }))
      ).config({ name: "mark-order-paid" })
    )

    const paidStage = transform({ reviewedStage, payment, paidMove }, ({ reviewedStage, payment, paidMove }) =>
      payment ? (paidMove?.stage ?? null) : reviewedStage
    )

    // ── 4. Cancellation: rejected, not paid in time, or declined at capture ───────────
    const cancellation = transform(
      { run, reviewedStage, payment, paymentAfterWait, capture, reviewMove, assessedMove },
      ({ run, reviewedStage, payment, paymentAfterWait, capture, reviewMove, assessedMove }) => {
        if (capture?.error) {
          return { reason: `payment capture failed: ${capture.error}`, customer_message: CUSTOMER_MESSAGES.capture }
        }
        if (payment && !payment.ready && paymentAfterWait && !paymentAfterWait.ready) {
          return { reason: "payment deadline passed", customer_message: CUSTOMER_MESSAGES.payment }
        }
        if (reviewedStage === "rejected" || reviewedStage === "canceling") {
          // As recorded by the move into `rejected` (this run's, or the stored one's).
          const reason = (reviewMove ?? assessedMove)?.failure_reason ?? run.failure_reason ?? "rejected in risk review"
          return { reason, customer_message: customerMessageFor(reason) }
        }
        return null
      }
    )

    const cancelClaim = when("claim-cancel", { cancellation }, ({ cancellation }) => !!cancellation).then(() =>
      moveOrderFlowStageStep(
        transform({ input, cancellation }, ({ input, cancellation }) => ({
          order_id: input.order_id,
          from: CANCELLABLE_STAGES,
          to: "canceling" as OrderFlowStage,
          patch: { failure_reason: cancellation!.reason },
          event: { stage: "cancel", status: "canceling", detail: { reason: cancellation!.reason } },
        }))
      ).config({ name: "claim-order-cancel" })
    )

    const canceled = when("cancel", { cancelClaim }, ({ cancelClaim }) => !!cancelClaim).then(() =>
      cancelOrderOnceStep(
        transform({ input, cancellation }, ({ input, cancellation }) => ({
          order_id: input.order_id,
          reason: cancellation?.reason ?? null,
        }))
      )
    )

    let orderCanceled!: Hook<"orderCanceled", OrderCanceledHookInput, unknown>
    when("tell-canceled", { canceled }, ({ canceled }) => !!canceled && !canceled.error).then(() => {
      const notified = notifyCustomerStep(
        transform({ input, cancellation }, ({ input, cancellation }) => ({
          order_id: input.order_id,
          template: ORDER_CANCELED_TEMPLATE,
          data: { message: cancellation!.customer_message },
        }))
      )
      moveOrderFlowStageStep(
        transform({ input, cancellation, notified }, ({ input, cancellation, notified }) => ({
          order_id: input.order_id,
          from: ["canceling" as OrderFlowStage],
          to: "canceled" as OrderFlowStage,
          event: {
            stage: "cancel",
            status: "canceled",
            detail: {
              reason: cancellation!.reason,
              customer_message: cancellation!.customer_message,
              notification_id: notified.notification_id,
            },
          },
        }))
      ).config({ name: "mark-order-canceled" })
      orderCanceled = createHook(
        "orderCanceled",
        transform({ input, cancellation, notified }, ({ input, cancellation, notified }) => ({
          order_id: input.order_id,
          reason: cancellation!.reason,
          customer_message: cancellation!.customer_message,
          notification_id: notified.notification_id ?? null,
          additional_data: input.additional_data,
        }))
      )
    })

    when("cancel-failed", { canceled }, ({ canceled }) => !!canceled?.error).then(() =>
      moveOrderFlowStageStep(
        transform({ input, cancellation, canceled }, ({ input, cancellation, canceled }) => ({
          order_id: input.order_id,
          from: ["canceling" as OrderFlowStage],
          to: "failed" as OrderFlowStage,
          patch: { failure_reason: `${cancellation!.reason}; cancelling the order failed: ${canceled!.error}` },
          event: { stage: "cancel", status: "failed", detail: { reason: cancellation!.reason, error: canceled!.error } },
        }))
      ).config({ name: "mark-cancel-failed" })
    )

    // ── 5. Shipment: after the shipping window, one fulfilment per stock location ─────
    waitForShippingWindowStep(
      transform({ input, settings, paidStage }, ({ input, settings, paidStage }) => ({
        order_id: input.order_id,
        active: settings.split_shipment && paidStage === "paid",
        ship_after_minutes: settings.ship_after_minutes,
      }))
    )
    const shipClaim = when("ship", { paidStage, settings }, ({ paidStage, settings }) =>
      settings.split_shipment && (paidStage === "paid" || paidStage === "shipping")
    ).then(() =>
      moveOrderFlowStageStep({
        order_id: input.order_id,
        from: ["paid", "shipping"],
        to: "shipping",
        event: { stage: "shipment", status: "started" },
      }).config({ name: "claim-order-shipment" })
    )

    let beforeShipment!: Hook<"beforeShipment", BeforeShipmentHookInput, BeforeShipmentHookResult | undefined>
    const shipped = when("create-shipments", { shipClaim }, ({ shipClaim }) => !!shipClaim).then(() => {
      // A shipment a crash cut off inside core is settled first, so nothing ships twice.
      finishCutOffFulfillmentsStep({ order_id: input.order_id })
      const plan = planOrderShipmentStep({ order_id: input.order_id })
      beforeShipment = createHook(
        "beforeShipment",
        { order_id: input.order_id, groups: plan.groups, additional_data: input.additional_data },
        { resultValidator: beforeShipmentHookResultSchema }
      )
      const regrouped = beforeShipment.getResult()
      const created = createSplitFulfillmentsStep(
        transform({ input, regrouped }, ({ input, regrouped }) => ({ order_id: input.order_id, groups: regrouped?.groups ?? null }))
      )
      return transform({ created, regrouped }, ({ created, regrouped }) => ({ ...created, regrouped: !!regrouped?.groups }))
    })

    when("mark-fulfilled", { shipped }, ({ shipped }) => !!shipped && !shipped.error).then(() =>
      moveOrderFlowStageStep(
        transform({ shipped, input }, ({ shipped, input }) => ({
          order_id: input.order_id,
          from: ["shipping" as OrderFlowStage],
          to: "fulfilled" as OrderFlowStage,
          patch: { shipments: shipped!.shipments },
          event: {
            stage: "shipment",
            status: "fulfilled",
            detail: {
              locations: shipped!.shipments.length,
              shipments: shipped!.shipments.map((s) => ({ location_id: s.location_id, fulfillment_id: s.fulfillment_id, items: s.items })),
              ...(shipped!.regrouped ? { regrouped: true } : {}),
            },
          },
        }))
      ).config({ name: "mark-order-fulfilled" })
    )

    when("shipment-failed", { shipped }, ({ shipped }) => !!shipped?.error).then(() =>
      moveOrderFlowStageStep(
        transform({ shipped, input }, ({ shipped, input }) => ({
          order_id: input.order_id,
          from: ["shipping" as OrderFlowStage],
          to: "failed" as OrderFlowStage,
          patch: { failure_reason: shipped!.error },
          event: { stage: "shipment", status: "failed", detail: { reason: shipped!.error } },
        }))
      ).config({ name: "mark-shipment-failed" })
    )

    const released = when("release", { run }, ({ run }) => run.proceed).then(() =>
      releaseOrderFlowStep({ order_id: input.order_id })
    )

    return new WorkflowResponse(
      transform({ run, review, released, shipped, canceled }, ({ run, review, released, shipped, canceled }) => ({
        created: run.created,
        proceeded: run.proceed,
        review_id: review?.id ?? null,
        stage: released?.stage ?? null,
        // A flow this run left failed: the run registry records the run as failed with this.
        failed:
          released?.stage === "failed"
            ? {
                reason: released.failure_reason,
                step: shipped?.error ? "create-split-fulfillments-step" : canceled?.error ? "cancel-order-once-step" : null,
              }
            : null,
      })),
      { hooks: [riskAssessed, orderApproved, orderCanceled, beforeShipment] }
    )
  }
)
