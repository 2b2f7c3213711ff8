import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../modules/omniflow"
import { OrderFlowSignal, OrderFlowStage, RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../modules/risk-review"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../modules/inventory-dedup"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../../modules/flow-runs"
import { runFlow } from "../flow-runs/run-flow"
import { decideRiskReviewWorkflow } from "./decide-risk-review"
import { orderFlowWorkflow, orderFlowWorkflowId } from "./order-flow"
import { retryCustomerNotificationWorkflow } from "./retry-customer-notification"
import { readOrderPaymentState } from "./steps/get-order-payment-state"
import { waitForPaymentStepId } from "./steps/wait-for-payment"
import { waitForReviewDecisionStepId } from "./steps/wait-for-review-decision"
import { waitForShippingWindowStepId } from "./steps/wait-for-shipping-window"

/*
 * How the outside world reaches an order flow's run: the subscriber starts it, the
 * decision route, the payment subscriber and the deadline job resume the step it waits
 * in, and the sweeper continues a run a crash cut off. None of these decides anything
 * about the order: that is the workflow's (order-flow.ts).
 */

const MINUTE_MS = 60 * 1000
/** Stages a flow can rest in without a run (older flows, or waits whose run is gone). */
const RESTING_STAGES: OrderFlowStage[] = ["under_review", "approved", "rejected", "awaiting_payment", "paid"]
/** Stages no run continues from. */
const TERMINAL_STAGES: OrderFlowStage[] = ["fulfilled", "canceled", "failed"]
const BATCH = 100
const MAX_NOTIFICATION_ATTEMPTS = 10

const WAIT_STEP: Record<OrderFlowSignal, string> = {
  review: waitForReviewDecisionStepId,
  payment: waitForPaymentStepId,
  shipping_window: waitForShippingWindowStepId,
}

const errorMessage = (e: unknown) => (e as Error)?.message ?? String(e)

/** Rows of one batch handled at the same time: runs spend most of their time in the database. */
const CONCURRENCY = 4

/**
 * Hands every row `fetch` finds to `handle`, a batch at a time, each row once, started in
 * the order `fetch` returns them (a few at a time).
 */
async function inBatches<T>(key: (row: T) => string, fetch: (exclude: string[]) => Promise<T[]>, handle: (row: T) => Promise<void>) {
  const seen: string[] = []
  for (;;) {
    const rows = await fetch(seen)
    seen.push(...rows.map(key))
    let next = 0
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, rows.length) }, async () => {
        while (next < rows.length) {
          await handle(rows[next++])
        }
      })
    )
    if (rows.length < BATCH) {
      return
    }
  }
}

/**
 * Starts an order's flow run. Once per order however often it is called: a second run
 * finds the flow taken and ends at once.
 *
 * @example
 * await startOrderFlow(container, "order_123")
 */
export async function startOrderFlow(container: MedusaContainer, order_id: string) {
  const { result } = await runFlow(container, orderFlowWorkflow, { order_id })
  return result
}

/**
 * Continues a flow from its stored stage in a new run, replacing `from_run_id` (a run a
 * crash cut off, or null for a flow at rest). Only one caller can replace a given run.
 */
export async function continueOrderFlow(container: MedusaContainer, order_id: string, from_run_id: string | null) {
  const { result, transaction } = await runFlow(container, orderFlowWorkflow, { order_id, takeover: { from_run_id } })
  if (from_run_id && result?.proceeded !== false) {
    // The replaced run will never end by itself: the registry says what became of it.
    await (container.resolve(FLOW_RUNS_MODULE) as FlowRunsModuleService)
      .recordState({
        workflow_id: orderFlowWorkflowId,
        transaction_id: from_run_id,
        state: "timed_out",
        at: new Date(),
        error: `cut off; the flow was continued by run ${transaction?.transactionId ?? "?"}`,
        to_inbox: false,
      })
      .catch(() => undefined)
  }
  return result
}

/** Whether the engine still holds `run_id` as a live run that can be resumed. */
async function runIsLive(container: MedusaContainer, run_id: string): Promise<boolean> {
  const engine = container.resolve(Modules.WORKFLOW_ENGINE)
  const [execution] = await engine.listWorkflowExecutions({ workflow_id: orderFlowWorkflowId, transaction_id: run_id })
  return execution?.state === "invoking"
}

/**
 * Wakes the flow's run up from the step it waits in (`signal` says which), once: of
 * several callers (the route, the job, another instance) one claims the wake-up in the
 * database and the others return false. The resumed run re-reads what it waited for
 * (the review, the payment), so a wake-up carries no decision. When the run that waited
 * is gone (its execution expired, or it never existed, as for flows older than this
 * design), a new run continues from the stored stage instead.
 *
 * @example
 * await resumeOrderFlow(container, "order_123", "review")
 */
export async function resumeOrderFlow(container: MedusaContainer, order_id: string, signal: OrderFlowSignal): Promise<boolean> {
  const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
  const run_owner = await (container.resolve(INVENTORY_DEDUP_MODULE) as InventoryDedupModuleService).processOwnerKey()
  const woke = await service.claimWakeUp({ order_id, waiting_for: signal, run_owner })
  if (!woke) {
    return continueIfAbandoned(container, order_id)
  }
  if (woke.run_id && (await runIsLive(container, woke.run_id))) {
    const engine = container.resolve(Modules.WORKFLOW_ENGINE)
    await engine.setStepSuccess({
      idempotencyKey: { action: "invoke", transactionId: woke.run_id, stepId: WAIT_STEP[signal], workflowId: orderFlowWorkflowId },
      stepResponse: new StepResponse({ signal }),
      // The engine resumes with the app's container: the caller's may be a step's, which
      // the Redis engine cannot build on.
    })
    return true
  }
  await continueOrderFlow(container, order_id, woke.run_id)
  return true
}

/**
 * A flow that does not wait may still need a run: one no run holds (a flow older than
 * runs, or one at rest whose wait a signal now ends) or one whose run was cut off (its
 * process died). Those are continued now, from their stored stage; a flow whose run is
 * alive and working is left to it.
 */
async function continueIfAbandoned(container: MedusaContainer, order_id: string): Promise<boolean> {
  const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
  const [flow] = await service.listOrderFlows({ order_id })
  if (!flow || TERMINAL_STAGES.includes(flow.stage as OrderFlowStage) || flow.waiting_for) {
    return false
  }
  // A flow no run holds is continued only from a stage it can rest in; in-between stages
  // without a run belong to whoever is moving the flow right now.
  if (!flow.run_id && !RESTING_STAGES.includes(flow.stage as OrderFlowStage)) {
    return false
  }
  if (flow.run_id) {
    const options = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().orderFlow
    const [cutOff] = await service.listCutOffFlows({
      order_id,
      stuck_before: new Date(Date.now() - options.stuckAfterMinutes * MINUTE_MS),
      limit: 1,
    })
    if (!cutOff) {
      return false
    }
  }
  const result = await continueOrderFlow(container, order_id, flow.run_id ?? null)
  return result?.proceeded !== false
}

/**
 * What the scheduled job does every minute, in due-time order and in batches until
 * nothing is due: applies the deadline policy to reviews nobody decided in time, and
 * wakes up runs whose wait is over — a decided review, a payment that arrived, a payment
 * deadline or a shipping window that passed. All of it is in the database, so it works
 * the same after a restart; running it twice (or on two instances) changes nothing twice.
 *
 * @example
 * await enforceOrderFlowDeadlines(container)                     // now
 * await enforceOrderFlowDeadlines(container, new Date(Date.now() + 49 * 3600e3))
 */
export async function enforceOrderFlowDeadlines(container: MedusaContainer, now: Date = new Date()) {
  const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
  const options = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const summary = { reviews_expired: 0, payments_expired: 0, woken: 0 }

  const wake = async (order_id: string, signal: OrderFlowSignal) => {
    try {
      if (await resumeOrderFlow(container, order_id, signal)) {
        summary.woken++
        if (signal === "payment") {
          const [flow] = await service.listOrderFlows({ order_id })
          if (flow?.stage === "canceled" && flow.failure_reason === "payment deadline passed") {
            summary.payments_expired++
          }
        }
      }
    } catch (e) {
      logger.error(`[omniflow] resuming the flow of ${order_id} (${signal}) failed: ${errorMessage(e)}`)
    }
  }

  // Reviews nobody decided in time: the deadline policy decides, most overdue first.
  await inBatches(
    (review: { id: string; order_id: string }) => review.id,
    (exclude) =>
      service.listRiskReviews(
        { status: "pending", deadline_at: { $lte: now }, ...(exclude.length ? { id: { $nin: exclude } } : {}) },
        { take: BATCH, order: { deadline_at: "ASC", id: "ASC" } }
      ),
    async (review) => {
      try {
        await runFlow(container, decideRiskReviewWorkflow, {
          review_id: review.id,
          decision: options.riskReview.deadlinePolicy,
          actor_id: "system:deadline",
          source: "deadline",
          reason: "review deadline passed",
        })
        summary.reviews_expired++
      } catch (e) {
        // An admin decided it in the meantime; their decision stands (and wakes the run).
        logger.info(`[omniflow] review ${review.id} not expired: ${errorMessage(e)}`)
      }
      await wake(review.order_id, "review")
    }
  )

  // Waits that are over: decided reviews whose wake-up was lost, payment deadlines and
  // shipping windows that passed by `now`.
  await inBatches(
    (flow: { order_id: string; waiting_for: OrderFlowSignal }) => flow.order_id,
    (exclude) => service.listFlowsToWake({ now, limit: BATCH, exclude }),
    (flow) => wake(flow.order_id, flow.waiting_for)
  )

  // Payments that arrived without a `payment.captured` (authorised later, say).
  await inBatches(
    (flow: { id: string; order_id: string; run_id: string | null }) => flow.id,
    (exclude) =>
      service.listOrderFlows(
        { waiting_for: "payment", ...(exclude.length ? { id: { $nin: exclude } } : {}) },
        { take: BATCH, order: { wait_until: "ASC", id: "ASC" } }
      ),
    async (flow) => {
      const payment = await readOrderPaymentState(container, flow.order_id).catch(() => null)
      if (payment?.ready) {
        await wake(flow.order_id, "payment")
      }
    }
  )
  return summary
}


/**
 * No lost triggers: placed orders whose `order.placed` was never handled get their flow,
 * and flows whose run was cut off (held by a run that does not wait, whose process died —
 * seen at once — or that has not moved for `stuckAfterMinutes`) are continued by a new run
 * from their stored stage: `assessing`
 * is assessed again, `capturing` re-reads what was captured, `shipping` creates only what
 * is still unfulfilled, `canceling` is one keyed effect. Failed customer notifications are
 * retried. Safe on several instances and next to a live run: the takeover is conditional
 * on the run it replaces.
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
      limit: BATCH,
    })
    for (const order_id of orderIds) {
      await startOrderFlow(container, order_id)
        .then(() => summary.started++)
        .catch((e) => logger.error(`[omniflow] order flow of ${order_id} could not start: ${errorMessage(e)}`))
    }
    if (orderIds.length < BATCH) break
  }

  await inBatches(
    (flow: { id: string; order_id: string; run_id: string | null }) => flow.id,
    (exclude) =>
      service.listCutOffFlows({
        stuck_before: new Date(now.getTime() - options.stuckAfterMinutes * MINUTE_MS),
        limit: BATCH,
        exclude,
      }),
    async (flow) => {
      try {
        await continueOrderFlow(container, flow.order_id, flow.run_id)
        summary.resumed++
      } catch (e) {
        logger.error(`[omniflow] continuing the flow of ${flow.order_id} failed: ${errorMessage(e)}`)
      }
    }
  )

  // Customer notifications that failed (no provider for the channel, a provider error) are
  // tried again, a bounded number of times; each attempt is on the order's timeline.
  const failed = await service.listFailedNotifications({ max_attempts: MAX_NOTIFICATION_ATTEMPTS, limit: BATCH })
  for (const n of failed) {
    await runFlow(container, retryCustomerNotificationWorkflow, { order_id: n.order_id, template: n.template, data: n.data })
      .then(() => summary.notifications_retried++)
      .catch((e) => logger.error(`[omniflow] retrying a notification for ${n.order_id} failed: ${errorMessage(e)}`))
  }
  return summary
}
