import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { INotificationModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { DescribedRoleChange } from "./describe-role-changes"

export const notifyRoleChangesStepId = "notify-role-changes-step"

/**
 * Tells each admin user which roles they were given or lost. Keyed by the run, so a
 * retried step does not tell them twice. Sent messages cannot be unsent; a failure to send
 * is returned (and shown on the run), not thrown.
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
    try {
      const sent = messages.length ? await notifications.createNotifications(messages) : []
      return new StepResponse({ sent: sent.length, error: null as string | null })
    } catch (e) {
      // The change itself stands (core made it) and is audited; a message that could not go
      // out is the run's outcome, not a reason to undo the audit entry.
      return new StepResponse({ sent: 0, error: (e as Error).message as string | null })
    }
  }
)
