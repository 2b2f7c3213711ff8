import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { capturePaymentWorkflow, refundPaymentWorkflow } from "@medusajs/medusa/core-flows"

export const captureOrderPaymentsStepId = "capture-order-payments-step"

/**
 * Captures each authorised payment through core's capturePaymentWorkflow (which also
 * records the order transaction). Core's workflow runs from here, not as a nested step,
 * because how many payments an order has is only known when the step runs.
 *
 * A capture the provider declines is an outcome, not a crash: the payments captured
 * before it are refunded (all or nothing) and the step returns the `error`, on which the
 * order flow cancels the order. If a later step of the run fails, what was captured is
 * refunded.
 */
export const captureOrderPaymentsStep = createStep(
  captureOrderPaymentsStepId,
  async (input: { payment_ids: string[]; captured_by?: string; skip?: boolean }, { container }) => {
    if (input.skip || !input.payment_ids.length) {
      return new StepResponse({ captured: [] as string[], error: null as string | null }, [] as string[])
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
      return new StepResponse({ captured: [] as string[], error: (e as Error)?.message ?? String(e) }, [] as string[])
    }
    return new StepResponse({ captured, error: null as string | null }, captured)
  },
  async (captured, { container }) => {
    for (const payment_id of captured ?? []) {
      await refundPaymentWorkflow(container).run({ input: { payment_id } })
    }
  }
)
