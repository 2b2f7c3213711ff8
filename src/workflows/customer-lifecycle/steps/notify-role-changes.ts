import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { INotificationModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { DescribedRoleChange } from "./describe-role-changes"

export const notifyRoleChangesStepId = "notify-role-changes-step"

/**
 * Tells each admin user which roles they were given or lost. Keyed by the run, so a
 * retried step does not tell them twice. Sent messages cannot be unsent.
 */
export const notifyRoleChangesStep = createStep(
  notifyRoleChangesStepId,
  async (input: { changes: DescribedRoleChange[]; channel: string; template: string }, { container, context }) => {
    const notifications: INotificationModuleService = container.resolve(Modules.NOTIFICATION)
    const messages = input.changes
      .filter((c) => c.email && (c.added.length || c.removed.length))
      .map((c) => ({
        to: c.email!,
        channel: input.channel,
        template: input.template,
        data: { added: c.added.map((r) => r.name), removed: c.removed.map((r) => r.name) },
        trigger_type: "user.roles_changed",
        resource_id: c.user_id,
        resource_type: "user",
        receiver_id: c.user_id,
        idempotency_key: `omniflow-roles:${context.transactionId}:${c.user_id}`,
      }))
    const sent = messages.length ? await notifications.createNotifications(messages) : []
    return new StepResponse({ sent: sent.length })
  }
)
