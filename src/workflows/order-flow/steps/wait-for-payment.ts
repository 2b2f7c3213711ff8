import { createStep } from "@medusajs/framework/workflows-sdk"
import { passWait } from "./pass-wait"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"
import { readOrderPaymentState } from "./get-order-payment-state"

export const waitForPaymentStepId = "wait-for-payment-step"

/**
 * An approved order with nothing to capture yet (a manual payment, a bank transfer) waits
 * here until its payment arrives (`payment.captured`, or the deadline job finding it
 * authorised) or its payment deadline passes (the deadline job). No wait when either is
 * already the case. Stored with the run and on the flow row, so it survives a restart.
 */
export const waitForPaymentStep = createStep(
  { name: waitForPaymentStepId, async: true },
  async (input: { order_id: string; active: boolean }, { container, context }) => {
    if (!input.active) {
      return passWait(container, context.idempotencyKey!)
    }
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    const [flow] = await service.listOrderFlows({ order_id: input.order_id })
    const deadline = flow?.payment_deadline_at ? new Date(flow.payment_deadline_at) : null
    if (!deadline || deadline.getTime() <= Date.now() || (await readOrderPaymentState(container, input.order_id)).ready) {
      return passWait(container, context.idempotencyKey!)
    }
    await service.awaitSignal({ order_id: input.order_id, run_id: context.transactionId!, waiting_for: "payment", wait_until: deadline })
  }
)
