import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { INotificationModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"

/** One person's change of groups (a customer) or roles (an admin user), named. */
export type MembershipChange = {
  id: string
  email: string | null
  added: { name: string | null }[]
  removed: { name: string | null }[]
}

export type NotifyMembershipChangesStepInput = {
  changes: MembershipChange[]
  /** `customer` (groups) or `user` (roles): the notification's resource type. */
  resource_type: "customer" | "user"
  /** `customer.groups_changed`, `user.roles_changed`. */
  trigger_type: string
  channel: string
  template: string
}

export const notifyMembershipChangesStepId = "notify-membership-changes-step"

/**
 * Tells each person (with an email) what they joined or left: a customer their groups, an
 * admin user their roles. Keyed by the run, so a retried step does not tell them twice.
 * Sent messages cannot be unsent; a failure to send is returned (and shown on the run),
 * not thrown: the change itself stands (core made it) and is audited, and a message that
 * could not go out is no reason to undo the audit entry.
 */
export const notifyMembershipChangesStep = createStep(
  notifyMembershipChangesStepId,
  async (input: NotifyMembershipChangesStepInput, { container, context }) => {
    const notifications: INotificationModuleService = container.resolve(Modules.NOTIFICATION)
    const messages = input.changes
      .filter((c) => c.email && (c.added.length || c.removed.length))
      .map((c) => ({
        to: c.email!,
        channel: input.channel,
        template: input.template,
        data: { added: c.added.map((g) => g.name), removed: c.removed.map((g) => g.name) },
        trigger_type: input.trigger_type,
        resource_id: c.id,
        resource_type: input.resource_type,
        receiver_id: c.id,
        idempotency_key: `omniflow-${input.trigger_type}:${context.transactionId}:${c.id}`,
      }))
    try {
      const sent = messages.length ? await notifications.createNotifications(messages) : []
      return new StepResponse({ sent: sent.length, error: null as string | null })
    } catch (e) {
      return new StepResponse({ sent: 0, error: (e as Error).message as string | null })
    }
  }
)
