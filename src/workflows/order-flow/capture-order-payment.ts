import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { OrderFlowStage } from "../../modules/risk-review"
import { captureOrderPaymentsStep } from "./steps/capture-order-payments"
import { recordCutOffCapturesStep } from "./steps/record-cut-off-captures"
import { getOrderPaymentStateStep } from "./steps/get-order-payment-state"
import { moveOrderFlowStageStep } from "./steps/move-order-flow-stage"

export type CaptureOrderPaymentWorkflowInput = {
  order_id: string
  /** Set on the flow when the order has to wait for its payment. */
  payment_deadline_at: string
}

export const captureOrderPaymentWorkflowId = "capture-order-payment"

/**
 * Takes an approved order's money: captures its authorised payment through core's
 * capturePaymentWorkflow and marks the flow paid. An order with nothing authorised yet
 * (a manual payment, say) waits in `awaiting_payment` until the deadline; running the
 * workflow again later captures it once the payment arrived. A failed capture rolls the
 * flow back and fails, and the caller cancels the order.
 *
 * @example
 * await captureOrderPaymentWorkflow(container).run({
 *   input: { order_id: "order_123", payment_deadline_at: new Date(Date.now() + 30 * 60e3).toISOString() },
 * })
 */
export const captureOrderPaymentWorkflow = createWorkflow(
  captureOrderPaymentWorkflowId,
  (input: CaptureOrderPaymentWorkflowInput) => {
    const payment = getOrderPaymentStateStep({ order_id: input.order_id })

    const paid = when({ payment }, ({ payment }) => payment.ready).then(() => {
      const claimed = moveOrderFlowStageStep({
        order_id: input.order_id,
        from: ["approved", "awaiting_payment"],
        to: "capturing",
        event: { stage: "payment", status: "capturing" },
      }).config({ name: "claim-payment-capture" })

      const captured = captureOrderPaymentsStep(
        transform({ payment, claimed }, ({ payment, claimed }) => ({
          payment_ids: payment.capturable_payment_ids,
          skip: !claimed,
        }))
      )
      // A capture an earlier run took before a crash cut it off has no order transaction yet.
      recordCutOffCapturesStep(transform({ input, captured }, ({ input }) => ({ order_id: input.order_id })))

      return moveOrderFlowStageStep(
        transform({ claimed, captured, input }, ({ claimed, captured, input }) => ({
          order_id: input.order_id,
          from: ["capturing" as OrderFlowStage],
          to: "paid" as OrderFlowStage,
          patch: { payment_deadline_at: null },
          event: { stage: "payment", status: "captured", detail: { payment_ids: captured.captured } },
          skip: !claimed,
        }))
      ).config({ name: "mark-order-paid" })
    })

    const waiting = when({ payment }, ({ payment }) => !payment.ready).then(() =>
      moveOrderFlowStageStep(
        transform({ input }, ({ input }) => ({
          order_id: input.order_id,
          from: ["approved" as OrderFlowStage],
          to: "awaiting_payment" as OrderFlowStage,
          patch: { payment_deadline_at: new Date(input.payment_deadline_at) },
          event: { stage: "payment", status: "awaiting", detail: { deadline_at: input.payment_deadline_at } },
        }))
      ).config({ name: "await-order-payment" })
    )

    return new WorkflowResponse(
      transform({ paid, waiting }, ({ paid, waiting }) => ({
        stage: (paid?.stage ?? waiting?.stage ?? null) as OrderFlowStage | null,
      }))
    )
  }
)
