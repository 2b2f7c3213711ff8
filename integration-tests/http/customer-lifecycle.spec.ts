import { medusaIntegrationTestRunner } from "../helpers/runner"
import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { AUDIT_MODULE, AuditModuleService } from "../../src/modules/audit"
import { adminHeaders, registerCustomer } from "../helpers/storefront"
import { appEnv } from "../helpers/app-env"
import { waitFor } from "../helpers/wait"

jest.setTimeout(240 * 1000)

// "email" goes to a test mail service that fails the templates OMNIFLOW_TEST_FAIL_TEMPLATES
// names; customers are told of group changes.
const env = appEnv({
  OMNIFLOW_TEST_NOTIFICATIONS: "true",
  OMNIFLOW_OPTIONS: JSON.stringify({ customerLifecycle: { notifyGroupChanges: true } }),
})

const ONBOARD = "omniflow-onboard-customer"

medusaIntegrationTestRunner({
  inApp: true,
  env,
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    let container: MedusaContainer
    let admin: { headers: Record<string, string> }

    beforeAll(async () => {
      container = getContainer()
      seed = await seedDemoData(container)
    })

    beforeEach(async () => {
      admin = await adminHeaders(api, seed.admin.email, seed.admin.password)
      delete process.env.OMNIFLOW_TEST_FAIL_TEMPLATES
    })

    const sql = async (text: string, params: any[] = []) =>
      (await container.resolve(ContainerRegistrationKeys.PG_CONNECTION).raw(text, params)).rows
    const store = (token: string) => ({
      headers: { "x-publishable-api-key": seed.publishableKey, authorization: `Bearer ${token}` },
      validateStatus: () => true,
    })
    const groupsOf = async (customerId: string) =>
      (
        await api.get(`/admin/customers/${customerId}?fields=id,*groups`, admin)
      ).data.customer.groups.map((g: any) => g.name)
    const welcomes = (customerId: string) =>
      container.resolve(Modules.NOTIFICATION).listNotifications({ receiver_id: customerId, template: "omniflow-welcome" } as any)
    const audit = (query: string) => api.get(`/admin/omniflow/audit?${query}`, admin).then((r) => r.data)
    const onboardRuns = (customerId: string) =>
      api
        .get(`/admin/omniflow/runs?workflow_id=${ONBOARD}&subject_id=${customerId}`, admin)
        .then((r) => r.data.flow_runs as any[])

    it("onboards a registered customer once, however often and however close together the event arrives", async () => {
      const { token, customerId } = await registerCustomer(api, seed.publishableKey, "ada.new@example.com")

      const mine = await waitFor(
        () => api.get("/store/customers/me/omniflow", store(token)).then((r) => r.data.omniflow),
        (o: any) => o?.onboarding?.state === "completed",
        { what: "the onboarding to complete" }
      )
      expect(mine.onboarding.locale).toBe("en")
      expect(await groupsOf(customerId)).toEqual(["Registered customers"])
      const { data } = await api.get(`/admin/customers/${customerId}`, admin)
      expect(data.customer.metadata.omniflow).toEqual({ locale: "en", marketing_opt_in: false })
      const sent = await welcomes(customerId)
      expect(sent.map((n: any) => [n.to, n.template, n.status])).toEqual([["ada.new@example.com", "omniflow-welcome", "success"]])

      // The event again, twice at once (redeliveries): runs that change nothing.
      const bus = container.resolve(Modules.EVENT_BUS)
      await Promise.all([1, 2].map(() => bus.emit({ name: "customer.created", data: { id: customerId } })))
      await waitFor(
        () => onboardRuns(customerId),
        (runs: any[]) => runs.length === 3 && runs.every((r) => r.state === "succeeded"),
        { what: "the redelivered onboarding runs" }
      )
      expect(await groupsOf(customerId)).toEqual(["Registered customers"])
      expect(await welcomes(customerId)).toHaveLength(1)
      const entries = await audit(`target=${customerId}&action=customer.onboarded`)
      expect(entries.count).toBe(1)
      expect(entries.audit_entries[0]).toMatchObject({ actor_type: "system", target_type: "customer" })
      expect((await sql(`SELECT count(*)::int AS n FROM customer_group_customer WHERE customer_id = ?`, [customerId]))[0].n).toBe(1)
    })

    it("gives a customer the locale the storefront registered them in", async () => {
      const email = "yukihiro.new@example.com"
      const { data: reg } = await api.post("/auth/customer/emailpass/register", { email, password: "secret-password" })
      const { data } = await api.post(
        "/store/customers",
        { email, first_name: "Yukihiro" },
        { headers: { "x-publishable-api-key": seed.publishableKey, authorization: `Bearer ${reg.token}`, "x-medusa-locale": "ja-JP" } }
      )
      const [row] = await waitFor(
        () => sql(`SELECT state, locale FROM omniflow_onboarding WHERE customer_id = ?`, [data.customer.id]),
        (rows: any[]) => rows[0]?.state === "completed",
        { what: "the onboarding" }
      )
      expect(row.locale).toBe("ja-JP")
      const sent = await welcomes(data.customer.id)
      expect(sent.map((n: any) => n.data.locale)).toEqual(["ja-JP"])
    })

    it("a failing welcome message undoes the group membership, leaves the failure in the inbox, and a retry onboards", async () => {
      process.env.OMNIFLOW_TEST_FAIL_TEMPLATES = "omniflow-welcome"
      const created = await api.post(
        "/admin/customers",
        { email: "grace.new@example.com", first_name: "Grace", metadata: { locale: "de" } },
        { ...admin, validateStatus: () => true }
      )
      expect([created.status, created.data.message]).toEqual([200, undefined])
      const customerId = created.data.customer.id

      const [failed] = await waitFor(
        () => onboardRuns(customerId),
        (runs: any[]) => runs.length === 1 && ["failed", "compensated"].includes(runs[0].state),
        { what: "the onboarding run to fail" }
      )
      expect(failed.inbox).toBe("open")
      expect(failed.failed_step).toMatch(/send-welcome-notification/)
      expect(failed.error).toMatch(/mail service unavailable/)
      expect(failed.actor_type).toBe("system")
      // Undone: no membership, no preferences; the failure shows on the onboarding.
      expect(await groupsOf(customerId)).toEqual([])
      const { data } = await api.get(`/admin/customers/${customerId}`, admin)
      expect(data.customer.metadata).toEqual({ locale: "de" })
      const [row] = await sql(`SELECT state, error FROM omniflow_onboarding WHERE customer_id = ?`, [customerId])
      expect(row.state).toBe("failed")
      const trail = await audit(`target=${customerId}`)
      expect(trail.audit_entries.map((e: any) => e.action).sort()).toEqual(["customer.onboarded", "customer.onboarding_failed"])

      // The mail service is back; the admin retries the run from the inbox.
      delete process.env.OMNIFLOW_TEST_FAIL_TEMPLATES
      const retried = await api.post(`/admin/omniflow/runs/${failed.id}/retry`, {}, admin)
      expect(retried.status).toBe(200)
      const { data: me } = await api.get("/admin/users/me", admin)
      const retriedEntry = await audit(`target=${failed.id}&action=flow_run.retried`)
      expect(retriedEntry.audit_entries.map((e: any) => [e.actor_type, e.actor_id])).toEqual([["user", me.user.id]])
      await waitFor(
        () => sql(`SELECT state, locale FROM omniflow_onboarding WHERE customer_id = ?`, [customerId]),
        (rows: any[]) => rows[0]?.state === "completed",
        { what: "the retried onboarding to complete" }
      )
      expect(await groupsOf(customerId)).toEqual(["Registered customers"])
      const sent = await welcomes(customerId)
      expect(sent.filter((n: any) => n.status === "success")).toHaveLength(1)
      expect(sent.find((n: any) => n.status === "success")?.data?.locale).toBe("de")
      const after = await api.get(`/admin/customers/${customerId}`, admin)
      expect(after.data.customer.metadata.omniflow).toEqual({ locale: "de", marketing_opt_in: false })
    })

    it("audits group changes made through core's admin routes, by whom, and tells the customer", async () => {
      const { customerId } = await registerCustomer(api, seed.publishableKey, "alan.new@example.com")
      await waitFor(
        () => sql(`SELECT state FROM omniflow_onboarding WHERE customer_id = ?`, [customerId]),
        (rows: any[]) => rows[0]?.state === "completed",
        { what: "the onboarding" }
      )
      const { data: vip } = await api.post("/admin/customer-groups", { name: "VIP" }, admin)
      const { data: me } = await api.get("/admin/users/me", admin)

      await api.post(`/admin/customers/${customerId}/customer-groups`, { add: [vip.customer_group.id] }, admin)
      const added = await waitFor(
        () => audit(`target=${customerId}&action=customer.groups_changed`),
        (r: any) => r.count === 1,
        { what: "the group change to be audited" }
      )
      expect(added.audit_entries[0]).toMatchObject({ actor_type: "user", actor_id: me.user.id })
      expect(added.audit_entries[0].details.added).toEqual([{ id: vip.customer_group.id, name: "VIP" }])

      await api.post(`/admin/customer-groups/${vip.customer_group.id}/customers`, { remove: [customerId] }, admin)
      const both = await waitFor(
        () => audit(`target=${customerId}&action=customer.groups_changed`),
        (r: any) => r.count === 2,
        { what: "the removal to be audited" }
      )
      expect(both.audit_entries[0].details.removed).toEqual([{ id: vip.customer_group.id, name: "VIP" }])
      expect(both.audit_entries[0].details.groups.map((g: any) => g.name)).toEqual(["Registered customers"])

      const told = await waitFor(
        () =>
          container
            .resolve(Modules.NOTIFICATION)
            .listNotifications({ receiver_id: customerId, template: "omniflow-groups-changed" } as any),
        (n: any[]) => n.length === 2,
        { what: "the customer to be told twice" }
      )
      expect(told.map((n: any) => n.data).sort((a: any, b: any) => a.added.length - b.added.length)).toEqual([
        { added: [], removed: ["VIP"] },
        { added: ["VIP"], removed: [] },
      ])

      // A refused change (unknown group) is not audited.
      const refused = await api.post(
        `/admin/customers/${customerId}/customer-groups`,
        { add: ["cusgroup_missing"] },
        { ...admin, validateStatus: () => true }
      )
      expect(refused.status).toBeGreaterThanOrEqual(400)
      await new Promise((r) => setTimeout(r, 500))
      expect((await audit(`target=${customerId}&action=customer.groups_changed`)).count).toBe(2)
    })

    it("keeps the audit trail append-only and its route admin-only, with filters checked", async () => {
      const { token, customerId } = await registerCustomer(api, seed.publishableKey, "edsger.new@example.com")
      await waitFor(
        () => audit(`target=${customerId}`),
        (r: any) => r.count === 1,
        { what: "the onboarding entry" }
      )
      const [entry] = (await audit(`target=${customerId}`)).audit_entries

      // No API changes history: the database refuses updates and deletes, whoever asks.
      const service = container.resolve<AuditModuleService>(AUDIT_MODULE)
      await expect(service.updateAuditEntries({ id: entry.id, action: "nothing.happened" } as any)).rejects.toThrow(/append-only/)
      await expect(service.deleteAuditEntries(entry.id)).rejects.toThrow(/append-only/)
      await expect(service.softDeleteAuditEntries(entry.id)).rejects.toThrow(/append-only/)
      const [still] = (await audit(`target=${customerId}`)).audit_entries
      expect(still).toEqual(entry)

      const bad = await api.get("/admin/omniflow/audit?action=DROP TABLE", { ...admin, validateStatus: () => true })
      expect(bad.status).toBe(400)
      expect(bad.data.message).toMatch(/action/)
      const badLimit = await api.get("/admin/omniflow/audit?limit=0", { ...admin, validateStatus: () => true })
      expect([badLimit.status, badLimit.data.message]).toEqual([400, expect.stringMatching(/limit/)])
      const page = await audit("limit=1&offset=0")
      expect(page.audit_entries).toHaveLength(1)
      expect(page.count).toBeGreaterThanOrEqual(1)

      const asCustomer = await api.get("/admin/omniflow/audit", store(token))
      expect(asCustomer.status).toBe(401)
      const anonymous = await api.get("/store/customers/me/omniflow", {
        headers: { "x-publishable-api-key": seed.publishableKey },
        validateStatus: () => true,
      })
      expect(anonymous.status).toBe(401)
    })
  },
})
