import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ICustomerModuleService, INotificationModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { preferredLocale } from "./set-default-preferences"

export type SendWelcomeNotificationStepInput = {
  customer_id: string
  channel: string
  template: string
  default_locale: string
  /** The onboarding's attempt: each attempt sends under a key of its own (see below), as does each retry of this step in a held run. */
  attempt: number
}

export const sendWelcomeNotificationStepId = "send-welcome-notification-step"

/**
 * Sends the welcome message through the Notification module, once per customer: a message
 * already delivered to them (an earlier attempt whose other steps failed) is not sent
 * again. Each attempt sends under its own idempotency key, because Medusa 2.21 cannot send
 * a key again after a failure (the resend updates a row it never created and fails with
 * "Notification … not found"). A failure fails the step (and the onboarding is undone); a
 * sent message cannot be unsent, so there is no compensation.
 */
export const sendWelcomeNotificationStep = createStep(
  sendWelcomeNotificationStepId,
  async (input: SendWelcomeNotificationStepInput, { container, attempt }) => {
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    const notifications: INotificationModuleService = container.resolve(Modules.NOTIFICATION)
    const customer = await customers.retrieveCustomer(input.customer_id)
    const [delivered] = await notifications.listNotifications(
      { receiver_id: customer.id, template: input.template, status: "success" } as any,
      { take: 1 }
    )
    if (delivered) {
      return new StepResponse({ notification_id: delivered.id as string | null })
    }
    const [sent] = await notifications.createNotifications([
      {
        to: customer.email,
        channel: input.channel,
        template: input.template,
        data: { first_name: customer.first_name, locale: preferredLocale(customer.metadata, input.default_locale) },
        trigger_type: "customer.created",
        resource_id: customer.id,
        resource_type: "customer",
        receiver_id: customer.id,
        idempotency_key: `omniflow-welcome:${customer.id}:${input.attempt}` + (attempt > 1 ? `:${attempt}` : ""),
      },
    ])
    return new StepResponse({ notification_id: (sent?.id as string | undefined) ?? null })
  }
)
