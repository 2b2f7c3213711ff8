import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../modules/omniflow"
import { OrderFlowStage, RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../modules/risk-review"
import { cancelOrderFlowWorkflow } from "./cancel-order-flow"
import { captureOrderPaymentWorkflow } from "./capture-order-payment"
import { decideRiskReviewWorkflow } from "./decide-risk-review"
import { shipOrderWorkflow } from "./ship-order"
import { startOrderFlowWorkflow } from "./start-order-flow"
import { retryCustomerNotificationWorkflow } from "./retry-customer-notification"

const MINUTE_MS = 60 * 1000
const BATCH = 100

const notIn = (ids: string[]) => (ids.length ? { id: { $nin: ids } } : {})

/** Hands every row `fetch` finds to `handle`, a batch at a time, each row once. */
async function inBatches<T extends { id: string }>(
  fetch: (exclude: string[]) => Promise<T[]>,
  handle: (row: T) => Promise<void>
) {
  const seen: string[] = []
  for (;;) {
    const rows = await fetch(seen)
    for (const row of rows) {
      seen.push(row.id)
      await handle(row)
    }
    if (rows.length < BATCH) {
      return
    }
  }
}

/** What the customer is told when the shop calls their order off. */
export const CUSTOMER_MESSAGES = {
  rejected: "We could not accept your order after reviewing it. It has been canceled and you will not be charged.",
  payment: "We did not receive your payment in time. Your order has been canceled.",
  capture: "We could not collect your payment. Your order has been canceled.",
} as const

const errorMessage = (e: unknown) => (e as Error)?.message ?? String(e)

/** The customer message that goes with a cancellation reason recorded on the flow. */
function customerMessageFor(reason: string | null | undefined): string {
  if (reason?.startsWith("payment deadline")) return CUSTOMER_MESSAGES.payment
  if (reason?.startsWith("payment capture")) return CUSTOMER_MESSAGES.capture
  return CUSTOMER_MESSAGES.rejected
}

/**
 * Starts an order's flow — once per order however often it is called — and drives it to
 * its first wait. With `resume`, a flow a crash left in `assessing` is assessed again.
 * Used by the `order.placed` subscriber and by the sweeper for orders whose event was lost.
 */
export async function startOrderFlow(container: MedusaContainer, order_id: string, opts: { resume?: boolean } = {}) {
  const { result } = await startOrderFlowWorkflow(container).run({
    input: { order_id, resume: opts.resume },
    context: { transactionId: `order-flow:${order_id}:${opts.resume ? "resume" : "start"}` },
  })
  if (result.proceeded) {
    await advanceOrderFlow(container, order_id)
  }
  return result
}

/**
 * Drives an order's flow from its current stage to the next stage that waits for
 * something (a review decision, a payment, the shipping window) or ends it. Every stage
 * change is a short workflow whose first step claims the transition in the database, so
 * calling this twice, concurrently, or after a restart repeats nothing. Never throws:
 * a failure is recorded on the flow.
 *
 * @example
 * await advanceOrderFlow(container, "order_123")
 */
export async function advanceOrderFlow(
  container: MedusaContainer,
  order_id: string,
  opts: { now?: Date } = {}
): Promise<OrderFlowStage | null> {
  const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
  const options = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().orderFlow
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  // A caller's `now` (the job looking ahead) or the clock at the moment of each check.
  const now = () => opts.now ?? new Date()

  const cancel = async (reason: string, customer_message: string) => {
    try {
      await cancelOrderFlowWorkflow(container).run({ input: { order_id, reason, customer_message } })
    } catch (e) {
      logger.error(`[omniflow] cancelling order ${order_id} failed: ${errorMessage(e)}`)
      await service.moveStage({
        order_id,
        from: ["assessing", "under_review", "approved", "rejected", "awaiting_payment"],
        to: "failed",
        patch: { failure_reason: `${reason}; cancelling the order failed: ${errorMessage(e)}` },
        event: { stage: "cancel", status: "failed", detail: { reason, error: errorMessage(e) } },
      })
    }
  }

  // Each pass makes one transition; a flow has fewer stages than this.
  for (let pass = 0; pass < 8; pass++) {
    const [flow] = await service.listOrderFlows({ order_id })
    if (!flow) {
      return null
    }
    const stage = flow.stage as OrderFlowStage
    switch (stage) {
      case "approved": {
        if (!options.capturePayment) {
          return stage
        }
        try {
          const deadline = new Date(now().getTime() + options.paymentDeadlineMinutes * MINUTE_MS)
          await captureOrderPaymentWorkflow(container).run({
            input: { order_id, payment_deadline_at: deadline.toISOString() },
          })
        } catch (e) {
          // A capture that fails is compensated like a rejection.
          await cancel(`payment capture failed: ${errorMessage(e)}`, CUSTOMER_MESSAGES.capture)
        }
        break
      }
      case "rejected":
        await cancel(flow.failure_reason ?? "rejected in risk review", customerMessageFor(flow.failure_reason))
        break
      case "paid": {
        const due = new Date(flow.updated_at).getTime() + options.shipAfterMinutes * MINUTE_MS
        if (!options.splitShipment || due > now().getTime()) {
          return stage
        }
        try {
          await shipOrderWorkflow(container).run({ input: { order_id } })
        } catch (e) {
          logger.error(`[omniflow] shipping order ${order_id} failed: ${errorMessage(e)}`)
          await service.moveStage({
            order_id,
            from: ["paid"],
            to: "failed",
            patch: { failure_reason: errorMessage(e) },
            event: { stage: "shipment", status: "failed", detail: { reason: errorMessage(e) } },
          })
        }
        break
      }
      default:
        return stage
    }
    const [after] = await service.listOrderFlows({ order_id })
    if (after?.stage === stage) {
      // Someone else holds this transition (or it waits): nothing more to do here.
      return stage
    }
  }
  return null
}

/**
 * What the scheduled job does every minute: applies the deadline policy to reviews nobody
 * decided in time, captures payments that arrived meanwhile, cancels orders whose payment
 * did not arrive by their deadline, and moves on flows whose next stage is due (the
 * shipping window passed, or the process that was driving them stopped). All state is in
 * the database, so this works the same after a restart; running it twice changes nothing.
 *
 * @example
 * await enforceOrderFlowDeadlines(container)                     // now
 * await enforceOrderFlowDeadlines(container, new Date(Date.now() + 49 * 3600e3))
 */
export async function enforceOrderFlowDeadlines(container: MedusaContainer, now: Date = new Date()) {
  const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
  const options = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const summary = { reviews_expired: 0, payments_expired: 0, advanced: 0 }

  // Due work in due-time order, a batch at a time, until none is left: rows a pass cannot
  // move on (an approved flow with capture off, a payment not due yet) are skipped in the
  // next batch instead of filling it, so nothing behind them is starved.
  await inBatches(
    (exclude) =>
      service.listRiskReviews(
        { status: "pending", deadline_at: { $lte: now }, ...notIn(exclude) },
        { take: BATCH, order: { deadline_at: "ASC", id: "ASC" } }
      ),
    async (review) => {
      try {
        await decideRiskReviewWorkflow(container).run({
          input: {
            review_id: review.id,
            decision: options.riskReview.deadlinePolicy,
            actor_id: "system:deadline",
            source: "deadline",
            reason: "review deadline passed",
          },
        })
        summary.reviews_expired++
      } catch (e) {
        // An admin decided it in the meantime; their decision stands.
        logger.info(`[omniflow] review ${review.id} not expired: ${errorMessage(e)}`)
      }
      await advanceOrderFlow(container, review.order_id, { now })
    }
  )

  await inBatches(
    (exclude) =>
      service.listOrderFlows(
        { stage: "awaiting_payment", ...notIn(exclude) },
        { take: BATCH, order: { payment_deadline_at: "ASC", id: "ASC" } }
      ),
    async (flow) => {
      try {
        // The payment may have arrived since: then it is captured and the flow moves on.
        await captureOrderPaymentWorkflow(container).run({
          input: { order_id: flow.order_id, payment_deadline_at: String(flow.payment_deadline_at ?? now.toISOString()) },
        })
      } catch (e) {
        await cancelOrderFlowWorkflow(container)
          .run({
            input: {
              order_id: flow.order_id,
              reason: `payment capture failed: ${errorMessage(e)}`,
              customer_message: CUSTOMER_MESSAGES.capture,
            },
          })
          .catch((err) => logger.error(`[omniflow] cancelling order ${flow.order_id} failed: ${errorMessage(err)}`))
      }
      const [current] = await service.listOrderFlows({ order_id: flow.order_id })
      if (current?.stage === "awaiting_payment" && current.payment_deadline_at && new Date(current.payment_deadline_at) <= now) {
        await cancelOrderFlowWorkflow(container)
          .run({
            input: {
              order_id: flow.order_id,
              reason: "payment deadline passed",
              customer_message: CUSTOMER_MESSAGES.payment,
            },
          })
          .then(() => summary.payments_expired++)
          .catch((err) => logger.error(`[omniflow] cancelling order ${flow.order_id} failed: ${errorMessage(err)}`))
      }
      await advanceOrderFlow(container, flow.order_id, { now })
    }
  )

  // Flows left between stages (their driver stopped, or the shipping window passed).
  // Claims make it safe to drive a flow another caller is driving right now.
  await inBatches(
    (exclude) =>
      service.listOrderFlows(
        { stage: ["approved", "rejected", "paid"], ...notIn(exclude) },
        { take: BATCH, order: { updated_at: "ASC", id: "ASC" } }
      ),
    async (flow) => {
      const after = await advanceOrderFlow(container, flow.order_id, { now })
      if (after !== flow.stage) {
        summary.advanced++
      }
    }
  )
  return summary
}

/** Stages a flow only passes through while a workflow runs; one found there later was cut off. */
const IN_FLIGHT_STAGES: OrderFlowStage[] = ["assessing", "capturing", "shipping", "canceling"]

/**
 * No lost triggers: placed orders whose `order.placed` was never handled get their flow,
 * and flows a crash left in a stage that only a running workflow passes through are
 * resumed from their stored state — `assessing` is assessed again, `capturing` goes back
 * to `approved` (the capture re-reads what was captured), `shipping` back to `paid` (the
 * shipment creates only what is still unfulfilled), `canceling` back to `rejected` (the
 * cancellation is one keyed effect, so it never happens twice). Safe on several instances
 * and next to a live flow: every move is a conditional update of the flow row.
 *
 * @example
 * await sweepOrderFlows(container)
 */
export async function sweepOrderFlows(container: MedusaContainer, now: Date = new Date()) {
  const options = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().orderFlow
  const summary = { started: 0, resumed: 0, notifications_retried: 0 }
  if (!options.enabled) {
    return summary
  }
  const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)

  for (;;) {
    const orderIds = await service.listOrdersWithoutFlow({
      placed_after: new Date(now.getTime() - options.sweepLookbackHours * 3600_000),
      placed_before: new Date(now.getTime() - options.sweepAfterSeconds * 1000),
      limit: 100,
    })
    for (const order_id of orderIds) {
      await startOrderFlow(container, order_id)
        .then(() => summary.started++)
        .catch((e) => logger.error(`[omniflow] order flow of ${order_id} could not start: ${errorMessage(e)}`))
    }
    if (orderIds.length < 100) break
  }

  const stuck = await service.listOrderFlows(
    { stage: IN_FLIGHT_STAGES, updated_at: { $lt: new Date(now.getTime() - options.stuckAfterMinutes * MINUTE_MS) } },
    { order: { updated_at: "ASC" } }
  )
  for (const flow of stuck) {
    const order_id = flow.order_id
    try {
      if (flow.stage === "assessing") {
        await startOrderFlow(container, order_id, { resume: true })
      } else {
        const back = ({ capturing: "approved", shipping: "paid", canceling: "rejected" } as const)[
          flow.stage as "capturing" | "shipping" | "canceling"
        ]
        const moved = await service.moveStage({
          order_id,
          from: [flow.stage as OrderFlowStage],
          to: back,
          event: { stage: flow.stage, status: "resumed", detail: { back_to: back, after_minutes: options.stuckAfterMinutes } },
        })
        if (moved && flow.stage === "canceling") {
          await cancelOrderFlowWorkflow(container).run({
            input: { order_id, reason: flow.failure_reason ?? "rejected in risk review", customer_message: customerMessageFor(flow.failure_reason) },
          })
        }
        await advanceOrderFlow(container, order_id, { now })
      }
      summary.resumed++
    } catch (e) {
      logger.error(`[omniflow] resuming the flow of ${order_id} failed: ${errorMessage(e)}`)
    }
  }

  // Customer notifications that failed (no provider for the channel, a provider error) are
  // tried again, a bounded number of times; each attempt is on the order's timeline.
  const failed = await service.listFailedNotifications({ max_attempts: MAX_NOTIFICATION_ATTEMPTS, limit: 100 })
  for (const n of failed) {
    await retryCustomerNotificationWorkflow(container)
      .run({ input: { order_id: n.order_id, template: n.template, data: n.data } })
      .then(() => summary.notifications_retried++)
      .catch((e) => logger.error(`[omniflow] retrying a notification for ${n.order_id} failed: ${errorMessage(e)}`))
  }
  return summary
}

const MAX_NOTIFICATION_ATTEMPTS = 10
