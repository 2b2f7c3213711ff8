import { createUsersWorkflow } from "@medusajs/medusa/core-flows"
import { MedusaContainer } from "@medusajs/framework/types"
import { FeatureFlag, Modules } from "@medusajs/framework/utils"

/**
 * Creates an admin who can log in with email and password, the way `medusa user` does,
 * unless a user with that email exists already.
 */
export async function ensureAdminUser(
  container: MedusaContainer,
  { email, password }: { email: string; password: string }
): Promise<{ created: boolean; userId: string }> {
  const userModule = container.resolve(Modules.USER)
  const authModule = container.resolve(Modules.AUTH)

  const [existing] = await userModule.listUsers({ email })
  if (existing) {
    return { created: false, userId: existing.id }
  }

  // With Medusa's roles on (MEDUSA_FF_RBAC), a user without a role may do nothing: the
  // seeded admin is a super admin, as `medusa user` makes one.
  const roles = FeatureFlag.isFeatureEnabled("rbac") ? { roles: ["role_super_admin"] } : {}
  const { result: users } = await createUsersWorkflow(container).run({
    input: { users: [{ email, ...roles }] as any },
  })
  const { authIdentity, error } = await authModule.register("emailpass", {
    body: { email, password },
  })
  if (error || !authIdentity) {
    throw new Error(`Could not register admin ${email}: ${error}`)
  }
  await authModule.updateAuthIdentities({
    id: authIdentity.id,
    app_metadata: { user_id: users[0].id },
  })
  return { created: true, userId: users[0].id }
}
