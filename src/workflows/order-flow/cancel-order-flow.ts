import { createHook, createWorkflow, Hook, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { OrderFlowStage } from "../../modules/risk-review"
import { moveOrderFlowStageStep } from "./steps/move-order-flow-stage"
import { notifyCustomerStep } from "./steps/notify-customer"
import { cancelOrderOnceStep } from "./steps/cancel-order-once"

export type CancelOrderFlowWorkflowInput = {
  order_id: string
  /** Why, for the shop: on the flow and the timeline. */
  reason: string
  /** Why, for the customer: in the notification and the store timeline. */
  customer_message: string
  /** Passed as it is to the `orderCanceled` hook. */
  additional_data?: Record<string, unknown>
}

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

export const cancelOrderFlowWorkflowId = "cancel-order-flow"

/** The stages from which an order can still be called off. */
export const CANCELLABLE_STAGES: OrderFlowStage[] = ["assessing", "under_review", "approved", "rejected", "awaiting_payment"]

export const ORDER_CANCELED_TEMPLATE = "omniflow-order-canceled"

/**
 * The compensation of the whole order flow: cancels the order through core's
 * cancelOrderWorkflow (reservations deleted, so the stock is back; an authorised payment
 * cancelled, a captured one refunded) as a keyed effect of the inventory-dedup ledger,
 * tells the customer by email, and records it.
 * Only one caller gets to cancel an order; the others change nothing.
 *
 * Hook `orderCanceled` — after the order was cancelled in core and its flow marked
 * `canceled` (a rejection in review or by the rules, a payment deadline, a failed capture);
 * runs once per order, only for the caller that cancelled it. Receives
 * OrderCanceledHookInput. A handler that throws fails the run: the flow moves back to the
 * stage it was cancelled from (the order itself stays cancelled, once) and the caller
 * records the failure.
 *
 * @example
 * await cancelOrderFlowWorkflow(container).run({
 *   input: { order_id: "order_123", reason: "rejected in review", customer_message: "…" },
 * })
 *
 * @example
 * // In the shop: src/workflows/hooks/omniflow-canceled.ts
 * import { StepResponse } from "@medusajs/framework/workflows-sdk"
 * import { cancelOrderFlowWorkflow } from "medusa-plugin-omniflow/workflows"
 *
 * cancelOrderFlowWorkflow.hooks.orderCanceled(async ({ order_id, reason }, { container }) => {
 *   await container.resolve("crmSync").tagOrder(order_id, { canceled_because: reason })
 *   return new StepResponse(undefined)
 * })
 */
export const cancelOrderFlowWorkflow = createWorkflow(
  cancelOrderFlowWorkflowId,
  (input: CancelOrderFlowWorkflowInput) => {
    const claimed = moveOrderFlowStageStep(
      transform({ input }, ({ input }) => ({
        order_id: input.order_id,
        from: CANCELLABLE_STAGES,
        to: "canceling" as OrderFlowStage,
        patch: { failure_reason: input.reason },
        event: { stage: "cancel", status: "canceling", detail: { reason: input.reason } },
      }))
    ).config({ name: "claim-order-cancel" })

    let orderCanceled!: Hook<"orderCanceled", OrderCanceledHookInput, unknown>
    const canceled = when({ claimed }, ({ claimed }) => !!claimed).then(() => {
      cancelOrderOnceStep({ order_id: input.order_id })
      const notified = notifyCustomerStep(
        transform({ input }, ({ input }) => ({
          order_id: input.order_id,
          template: ORDER_CANCELED_TEMPLATE,
          data: { message: input.customer_message },
        }))
      )
      const marked = moveOrderFlowStageStep(
        transform({ input, notified }, ({ input, notified }) => ({
          order_id: input.order_id,
          from: ["canceling" as OrderFlowStage],
          to: "canceled" as OrderFlowStage,
          event: {
            stage: "cancel",
            status: "canceled",
            detail: {
              reason: input.reason,
              customer_message: input.customer_message,
              notification_id: notified.notification_id,
            },
          },
        }))
      ).config({ name: "mark-order-canceled" })

      orderCanceled = createHook<"orderCanceled", OrderCanceledHookInput, unknown>(
        "orderCanceled",
        transform({ input, notified }, ({ input, notified }) => ({
          order_id: input.order_id,
          reason: input.reason,
          customer_message: input.customer_message,
          notification_id: notified.notification_id ?? null,
          additional_data: input.additional_data,
        }))
      )
      return marked
    })

    return new WorkflowResponse(transform({ canceled }, ({ canceled }) => ({ canceled: !!canceled })), {
      hooks: [orderCanceled],
    })
  }
)
