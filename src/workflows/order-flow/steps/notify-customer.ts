import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"
import { findOrder } from "../../find-order"

export type NotifyCustomerInput = {
  order_id: string
  template: string
  data?: Record<string, unknown>
  skip?: boolean
}

export type NotifyCustomerResult = { notification_id: string | null; failed: boolean }

export const notifyCustomerStepId = "notify-customer-step"

/**
 * Tells the order's customer through Medusa's Notification module, on the channel the
 * options name (`orderFlow.notificationChannel`). A notification never decides an order's
 * fate: a missing channel or a failing provider is recorded on the timeline (`notification`
 * · `failed`, with the error) and the flow goes on; the sweeper retries it with the same
 * idempotency key, which also makes a repeated run send nothing twice. A sent message
 * cannot be taken back, so there is no compensation.
 */
export const notifyCustomerStep = createStep(
  notifyCustomerStepId,
  async (input: NotifyCustomerInput, { container }): Promise<StepResponse<NotifyCustomerResult>> => {
    if (input.skip) {
      return new StepResponse({ notification_id: null, failed: false })
    }
    const order = await findOrder(container, input.order_id, ["id", "display_id", "email"])
    if (!order?.email) {
      return new StepResponse({ notification_id: null, failed: false })
    }
    const channel = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().orderFlow.notificationChannel
    const flows: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    const detail = { template: input.template, channel, data: input.data ?? {} }
    try {
      const [sent] = await container.resolve(Modules.NOTIFICATION).createNotifications([
        {
          to: order.email,
          channel,
          template: input.template,
          data: { order_id: order.id, display_id: order.display_id, ...(input.data ?? {}) },
          idempotency_key: `${input.template}:${order.id}`,
          resource_id: order.id,
          resource_type: "order",
        },
      ])
      await flows.recordEvent(order.id, { stage: "notification", status: "sent", detail: { ...detail, notification_id: sent?.id ?? null } })
      return new StepResponse({ notification_id: (sent?.id as string) ?? null, failed: false })
    } catch (e) {
      await flows.recordEvent(order.id, { stage: "notification", status: "failed", detail: { ...detail, error: (e as Error).message } })
      return new StepResponse({ notification_id: null, failed: true })
    }
  }
)
