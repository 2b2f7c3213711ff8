import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import { findOrder } from "../../find-order"

export type NotifyCustomerInput = {
  order_id: string
  template: string
  data?: Record<string, unknown>
  skip?: boolean
}

export const notifyCustomerStepId = "notify-customer-step"

/**
 * Tells the order's customer by email through Medusa's Notification module. The
 * idempotency key makes a repeated run send nothing new; a sent message cannot be taken
 * back, so there is no compensation.
 */
export const notifyCustomerStep = createStep(
  notifyCustomerStepId,
  async (input: NotifyCustomerInput, { container }) => {
    if (input.skip) {
      return new StepResponse({ notification_id: null as string | null })
    }
    const order = await findOrder(container, input.order_id, ["id", "display_id", "email"])
    if (!order?.email) {
      return new StepResponse({ notification_id: null as string | null })
    }
    const notification = container.resolve(Modules.NOTIFICATION)
    const [sent] = await notification.createNotifications([
      {
        to: order.email,
        channel: "email",
        template: input.template,
        data: { order_id: order.id, display_id: order.display_id, ...(input.data ?? {}) },
        idempotency_key: `${input.template}:${order.id}`,
        resource_id: order.id,
        resource_type: "order",
      },
    ])
    return new StepResponse({ notification_id: (sent?.id as string) ?? null })
  }
)
