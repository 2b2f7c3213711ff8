import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { INotificationModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { DescribedGroupChange } from "./describe-group-changes"

export const notifyGroupChangesStepId = "notify-group-changes-step"

/**
 * Tells each customer (with an email) which groups they joined or left. Keyed by the run,
 * so a retried step does not tell them twice. Sent messages cannot be unsent.
 */
export const notifyGroupChangesStep = createStep(
  notifyGroupChangesStepId,
  async (input: { changes: DescribedGroupChange[]; channel: string; template: string }, { container, context }) => {
    const notifications: INotificationModuleService = container.resolve(Modules.NOTIFICATION)
    const messages = input.changes
      .filter((c) => c.email && (c.added.length || c.removed.length))
      .map((c) => ({
        to: c.email!,
        channel: input.channel,
        template: input.template,
        data: { added: c.added.map((g) => g.name), removed: c.removed.map((g) => g.name) },
        trigger_type: "customer.groups_changed",
        resource_id: c.customer_id,
        resource_type: "customer",
        receiver_id: c.customer_id,
        idempotency_key: `omniflow-groups:${context.transactionId}:${c.customer_id}`,
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
