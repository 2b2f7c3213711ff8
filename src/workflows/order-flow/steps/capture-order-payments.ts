import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { capturePaymentWorkflow, refundPaymentWorkflow } from "@medusajs/medusa/core-flows"

export const captureOrderPaymentsStepId = "capture-order-payments-step"

/**
 * Captures each authorised payment through core's capture workflow (which also records
 * the order transaction). If a later step fails, what was captured is refunded.
 */
export const captureOrderPaymentsStep = createStep(
  captureOrderPaymentsStepId,
  async (input: { payment_ids: string[]; captured_by?: string; skip?: boolean }, { container }) => {
    if (input.skip || !input.payment_ids.length) {
      return new StepResponse({ captured: [] as string[] }, [] as string[])
    }
    const captured: string[] = []
    try {
      for (const payment_id of input.payment_ids) {
        await capturePaymentWorkflow(container).run({ input: { payment_id, captured_by: input.captured_by } })
        captured.push(payment_id)
      }
    } catch (e) {
      // The payments captured before the failure go back too: a capture is all or nothing.
      for (const payment_id of captured) {
        await refundPaymentWorkflow(container).run({ input: { payment_id } })
      }
      throw e
    }
    return new StepResponse({ captured }, captured)
  },
  async (captured, { container }) => {
    for (const payment_id of captured ?? []) {
      await refundPaymentWorkflow(container).run({ input: { payment_id } })
    }
  }
)
