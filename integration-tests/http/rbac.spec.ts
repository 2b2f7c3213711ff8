import { medusaIntegrationTestRunner } from "../helpers/runner"
import { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createUsersWorkflow } from "@medusajs/medusa/core-flows"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { adminHeaders } from "../helpers/storefront"
import { appEnv } from "../helpers/app-env"
import { waitFor } from "../helpers/wait"

jest.setTimeout(240 * 1000)

// Medusa's roles and permissions on, as a shop switches them on.
const env = appEnv({ MEDUSA_FF_RBAC: "true" })

medusaIntegrationTestRunner({
  inApp: true,
  env,
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    let container: MedusaContainer

    beforeAll(async () => {
      container = getContainer()
      seed = await seedDemoData(container)
    })

    /** An admin user with no role yet, who can log in with email and password. */
    async function staffUser(email: string, password: string) {
      const { result } = await createUsersWorkflow(container).run({ input: { users: [{ email }] } })
      const auth = container.resolve(Modules.AUTH)
      const { authIdentity } = await auth.register("emailpass", { body: { email, password } } as any)
      await auth.updateAuthIdentities({ id: authIdentity!.id, app_metadata: { user_id: result[0].id } })
      return result[0].id as string
    }

    const as = (headers: Record<string, string>) => ({ headers, validateStatus: () => true })

    it("a removed role stops working at once for the user's existing token and session, and every change is audited", async () => {
      const admin = await adminHeaders(api, seed.admin.email, seed.admin.password)
      const { data: me } = await api.get("/admin/users/me", admin)
      const { data: policies } = await api.get("/admin/rbac/policies?resource=customer&operation=read", admin)
      const readCustomers = policies.policies.find((p: any) => p.key === "customer:read")
      expect(readCustomers).toBeTruthy()
      const { data: created } = await api.post(
        "/admin/rbac/roles",
        { name: "Customer readers", policy_ids: [readCustomers.id] },
        admin
      )
      const roleId = created.role?.id ?? created.rbac_role?.id
      expect(roleId).toBeTruthy()

      const userId = await staffUser("support@example.com", "support-password")
      const assigned = await api.post(`/admin/users/${userId}/roles`, { roles: [roleId] }, as(admin.headers))
      expect(assigned.status).toBe(200)

      // The support user logs in: a bearer token, and a cookie session made from it.
      const { data: login } = await api.post("/auth/user/emailpass", { email: "support@example.com", password: "support-password" })
      const bearer = { authorization: `Bearer ${login.token}` }
      const session = await api.post("/auth/session", {}, as(bearer))
      const cookie = { cookie: String(session.headers["set-cookie"]?.[0] ?? "").split(";")[0] }
      expect(cookie.cookie).toMatch(/=/)
      expect((await api.get("/admin/customers", as(bearer))).status).toBe(200)
      expect((await api.get("/admin/customers", as(cookie))).status).toBe(200)
      expect((await api.get("/admin/products", as(bearer))).status).toBe(403)
      // OmniFlow's privacy and audit routes ask what core asks of customers: reading is
      // allowed to this role, erasing (customer:delete) is not.
      expect((await api.get("/admin/omniflow/audit", as(bearer))).status).toBe(200)
      expect((await api.get("/admin/omniflow/privacy-requests", as(bearer))).status).toBe(200)
      const { data: customers } = await api.get("/admin/customers?limit=1", admin)
      const erase = await api.post(`/admin/customers/${customers.customers[0].id}/erasure`, {}, as(bearer))
      expect(erase.status).toBe(403)

      const granted = await waitFor(
        () => api.get(`/admin/omniflow/audit?target=${userId}&action=user.roles_changed`, admin).then((r) => r.data),
        (r: any) => r.count === 1,
        { what: "the role assignment to be audited" }
      )
      expect(granted.audit_entries[0]).toMatchObject({ actor_type: "user", actor_id: me.user.id })
      expect(granted.audit_entries[0].details.added).toEqual([{ id: roleId, name: "Customer readers" }])

      // The role is taken away. Medusa would go on honouring the copy in the token and the
      // session until they expire; OmniFlow judges every admin request by the roles now.
      const removed = await api.delete(`/admin/users/${userId}/roles`, { ...as(admin.headers), data: { roles: [roleId] } })
      expect(removed.status).toBe(200)
      const stale = await api.get("/admin/customers", as(bearer))
      expect([stale.status, stale.data.code]).toEqual([401, "roles_changed"])
      expect((await api.get("/admin/customers", as(cookie))).status).toBe(403)
      const { data: again } = await api.post("/auth/user/emailpass", { email: "support@example.com", password: "support-password" })
      expect((await api.get("/admin/customers", as({ authorization: `Bearer ${again.token}` }))).status).toBe(403)
      // The super admin, whose roles did not change, is untouched.
      expect((await api.get("/admin/customers", as(admin.headers))).status).toBe(200)

      const both = await waitFor(
        () => api.get(`/admin/omniflow/audit?target=${userId}&action=user.roles_changed`, admin).then((r) => r.data),
        (r: any) => r.count === 2,
        { what: "the removal to be audited" }
      )
      expect(both.audit_entries[0].details).toMatchObject({ added: [], removed: [{ id: roleId, name: "Customer readers" }], roles: [] })
      const told = await waitFor(
        () =>
          container
            .resolve(Modules.NOTIFICATION)
            .listNotifications({ receiver_id: userId, template: "omniflow-roles-changed" } as any),
        (n: any[]) => n.length === 2,
        { what: "the user to be told twice" }
      )
      expect(told.every((n: any) => n.to === "support@example.com")).toBe(true)

      // Given again through the role's own route: audited as well.
      expect((await api.post(`/admin/rbac/roles/${roleId}/users`, { users: [userId] }, as(admin.headers))).status).toBe(200)
      const all = await waitFor(
        () => api.get(`/admin/omniflow/audit?target=${userId}&action=user.roles_changed`, admin).then((r) => r.data),
        (r: any) => r.count === 3,
        { what: "the role given through the role's route to be audited" }
      )
      expect(all.audit_entries[0].details.added).toEqual([{ id: roleId, name: "Customer readers" }])
    })
  },
})
