import { createStep } from "@medusajs/framework/workflows-sdk"
import { passWait } from "./pass-wait"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"

export const waitForShippingWindowStepId = "wait-for-shipping-window-step"

/**
 * A paid order waits `ship_after_minutes` before its fulfilments are created: the window
 * in which the customer or the shop can still call it off without a return. The deadline
 * job resumes the run when the window has passed. No wait for 0 minutes, or when the
 * window passed already (a run resumed after a restart).
 */
export const waitForShippingWindowStep = createStep(
  { name: waitForShippingWindowStepId, async: true },
  async (input: { order_id: string; ship_after_minutes: number; active: boolean }, { container, context }) => {
    if (!input.active) {
      return passWait(container, context.idempotencyKey!)
    }
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    const [flow] = await service.listOrderFlows({ order_id: input.order_id })
    // From the moment it was paid (a run that took the flow over later waits no longer).
    const [paid] = await service.listOrderFlowEvents(
      { order_id: input.order_id, stage: "payment", status: "captured" },
      { order: { created_at: "DESC" }, take: 1 }
    )
    const since = new Date(paid?.created_at ?? flow?.updated_at ?? 0).getTime()
    const due = since + input.ship_after_minutes * 60_000
    if (!flow || flow.stage !== "paid" || due <= Date.now()) {
      return passWait(container, context.idempotencyKey!)
    }
    await service.awaitSignal({
      order_id: input.order_id,
      run_id: context.transactionId!,
      waiting_for: "shipping_window",
      wait_until: new Date(due),
    })
  }
)
