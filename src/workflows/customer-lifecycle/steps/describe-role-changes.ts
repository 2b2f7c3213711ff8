import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"

export type RoleChange = { user_id: string; added: string[]; removed: string[] }

export type DescribedRoleChange = {
  user_id: string
  email: string | null
  added: { id: string; name: string | null }[]
  removed: { id: string; name: string | null }[]
  /** The user's roles after the change, as Medusa now holds them. */
  roles: { id: string; name: string | null }[]
}

export const describeRoleChangesStepId = "describe-role-changes-step"

/**
 * Names the roles and users of a change and reads whether users are told. Users that no
 * longer exist are left out.
 */
export const describeRoleChangesStep = createStep(
  describeRoleChangesStepId,
  async (input: { changes: RoleChange[] }, { container }) => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { customerLifecycle } = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
    const userIds = [...new Set(input.changes.map((c) => c.user_id))]
    const { data: users } = await query.graph({
      entity: "user",
      fields: ["id", "email", "rbac_roles.id", "rbac_roles.name"],
      filters: { id: userIds },
    })
    const roleIds = [...new Set(input.changes.flatMap((c) => [...c.added, ...c.removed]))]
    const { data: roles } = roleIds.length
      ? await query.graph({ entity: "rbac_role", fields: ["id", "name"], filters: { id: roleIds }, withDeleted: true } as any)
      : { data: [] as any[] }
    const name = (id: string) => ({ id, name: (roles as any[]).find((r) => r.id === id)?.name ?? null })
    const described: DescribedRoleChange[] = input.changes.flatMap((c) => {
      const user = (users as any[]).find((u) => u.id === c.user_id)
      if (!user) {
        return []
      }
      return [
        {
          user_id: c.user_id,
          email: user.email ?? null,
          added: c.added.map(name),
          removed: c.removed.map(name),
          roles: (user.rbac_roles ?? []).filter(Boolean).map((r: any) => ({ id: r.id, name: r.name ?? null })),
        },
      ]
    })
    return new StepResponse({
      changes: described,
      notify: customerLifecycle.notifyRoleChanges,
      channel: customerLifecycle.notificationChannel,
      template: customerLifecycle.templates.rolesChanged,
    })
  }
)
