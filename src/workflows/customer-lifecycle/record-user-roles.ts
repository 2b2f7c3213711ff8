import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { AuditActorType } from "../../modules/audit"
import { recordAuditEntriesStep } from "../audit/steps/record-audit-entries"
import { describeRoleChangesStep, RoleChange } from "./steps/describe-role-changes"
import { notifyMembershipChangesStep } from "./steps/notify-membership-changes"

export type RecordUserRolesWorkflowInput = {
  changes: RoleChange[]
  actor: { type: AuditActorType; id: string | null }
}

export const recordUserRolesWorkflowId = "omniflow-record-user-roles"

/**
 * After Medusa changed admin users' roles (RBAC, `MEDUSA_FF_RBAC`): one audit entry per
 * user — who changed which roles, when — and, when the options say so, a message to the
 * user. Core's role workflows emit no event a plugin can read the user from, so the
 * plugin's middleware on the role routes starts this once core has answered 2xx. That a
 * removed role stops working at once is not this flow's doing: OmniFlow's admin middleware
 * checks every request's roles against the database (`src/api/admin/current-roles.ts`).
 *
 * @example
 * await recordUserRolesWorkflow(container).run({
 *   input: { changes: [{ user_id: "user_1", added: [], removed: ["role_support"] }], actor: { type: "user", id: "user_2" } },
 * })
 */
export const recordUserRolesWorkflow = createWorkflow(recordUserRolesWorkflowId, (input: RecordUserRolesWorkflowInput) => {
  const described = describeRoleChangesStep(input)
  recordAuditEntriesStep(
    transform({ input, described }, ({ input, described }) => ({
      entries: described.changes.map((c) => ({
        actor_type: input.actor.type,
        actor_id: input.actor.id,
        action: "user.roles_changed",
        target_type: "user",
        target_id: c.user_id,
        details: { added: c.added, removed: c.removed, roles: c.roles },
      })),
    }))
  )
  const notified = when("tell-users", { described }, ({ described }) => described.notify).then(() =>
    notifyMembershipChangesStep(
      transform({ described }, ({ described }) => ({
        changes: described.changes.map((c) => ({ ...c, id: c.user_id })),
        resource_type: "user" as const,
        trigger_type: "user.roles_changed",
        channel: described.channel,
        template: described.template,
      }))
    )
  )
  return new WorkflowResponse(
    transform({ described, notified }, ({ described, notified }) => ({
      users: described.changes.length,
      notified: notified?.sent ?? 0,
    }))
  )
})
