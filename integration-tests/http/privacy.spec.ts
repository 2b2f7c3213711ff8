import { medusaIntegrationTestRunner } from "../helpers/runner"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { WorkflowManager, WorkflowScheduler } from "@medusajs/framework/orchestration"
import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { MedusaContainer } from "@medusajs/framework/types"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService } from "../../src/modules/customer-lifecycle"
import { assessPersonalDataStep, revokeCustomerAccessStep } from "../../src/workflows/privacy"
import { config as resumeJobConfig, purgeExpiredExports, resumePrivacyRequests } from "../../src/jobs/resume-privacy-requests"
import { adminHeaders, Api, completeCart, prepareCart, registerCustomer, storeHeaders } from "../helpers/storefront"
import { waitFor } from "../helpers/wait"
import { appEnv } from "../helpers/app-env"

jest.setTimeout(300 * 1000)

/** A process key no live process holds: the request's run died with its process. */
const DEAD_OWNER = 424242

// The default policy: an erasure is refused while an order is still to be fulfilled.
const env = appEnv({ OMNIFLOW_OPTIONS: JSON.stringify({ customerLifecycle: { unfulfilledOrders: "refuse" } }) })

/**
 * Every text, varchar, json and jsonb column of every table, searched for `needle`
 * (case-insensitive substring; occurrences inside `except` do not count). Written here on purpose, apart from the erasure's own
 * verification, so the test does not trust the code it checks.
 */
async function searchEverywhere(container: MedusaContainer, needle: string, except = ""): Promise<string[]> {
  const pg = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  const { rows: columns } = await pg.raw(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')`
  )
  const found: string[] = []
  for (const { table_name, column_name } of columns) {
    const { rows } = await pg.raw(
      `SELECT count(*)::int AS n FROM "${table_name}" WHERE position(lower(?) in replace(lower("${column_name}"::text), lower(?), '')) > 0`,
      [needle, except]
    )
    if (rows[0].n > 0) found.push(`${table_name}.${column_name}`)
  }
  return found
}

const unique = () => Math.random().toString(36).slice(2, 10)

medusaIntegrationTestRunner({
  inApp: true,
  env,
  testSuite: ({ api: untypedApi, getContainer }) => {
    const api = untypedApi as Api
    let seed: SeedResult
    let container: MedusaContainer
    const SKU = "GRINDER-STEEL"

    beforeAll(async () => {
      container = getContainer()
      seed = await seedDemoData(container)
      // The resume job also runs on its cron in this process; the test calls it itself.
      const job = WorkflowManager.getWorkflow(`job-${resumeJobConfig.name}`)
      if (job) {
        await new WorkflowScheduler().clearWorkflow(job)
      }
    })

    const lifecycle = () => container.resolve<CustomerLifecycleModuleService>(CUSTOMER_LIFECYCLE_MODULE)
    const admin = () => adminHeaders(api, seed.admin.email, seed.admin.password)
    const store = (token?: string) => ({ ...storeHeaders(seed.publishableKey, token), validateStatus: () => true })

    /** A registered customer with names and a phone of their own (nobody else has them). */
    async function newCustomer(tag: string) {
      const email = `${tag}-${unique()}@example.com`
      const { token, customerId } = await registerCustomer(api, seed.publishableKey, email)
      const names = { first_name: `Firstname${unique()}`, last_name: `Lastname${unique()}` }
      const phone = `+49 30 ${Math.floor(1e6 + Math.random() * 8e6)}`
      await api.post("/store/customers/me", { ...names, phone }, storeHeaders(seed.publishableKey, token))
      await api.post(
        "/store/customers/me/addresses",
        { ...names, phone, address_1: "Hidden Lane 7", city: "Hamburg", country_code: "de", postal_code: "20095" },
        storeHeaders(seed.publishableKey, token)
      )
      return { email, token, customerId, phone, ...names }
    }

    async function placeOrder(customer: { email: string; token: string }) {
      const cartId = await prepareCart(api, seed.publishableKey, {
        regionId: seed.regionId,
        items: [{ variant_id: seed.variantsBySku[SKU].id, quantity: 1 }],
        token: customer.token,
        email: customer.email,
      })
      const placed = await completeCart(api, seed.publishableKey, cartId, customer.token)
      expect(placed.status).toBe(200)
      const orderId = placed.body.order.id as string
      // The order's flow runs on; a test ends only once it has come to rest.
      const headers = await admin()
      await waitFor(
        () => api.get(`/admin/orders/${orderId}/omniflow`, headers).then((r) => r.data.omniflow.flow?.stage),
        (stage) => ["paid", "under_review", "awaiting_payment", "canceled", "failed", "fulfilled"].includes(stage),
        { what: `the flow of ${orderId} to come to rest` }
      )
      return orderId
    }

    it("exports a customer's data to them alone, with their order and nothing of another customer", async () => {
      const ada = await newCustomer("export-ada")
      const bob = await newCustomer("export-bob")
      const adaOrder = await placeOrder(ada)
      const bobOrder = await placeOrder(bob)

      const asked = await api.post("/store/customers/me/data-export", {}, store(ada.token))
      expect(asked.status).toBe(202)
      expect(asked.data.privacy_request).toMatchObject({ kind: "export", customer_id: ada.customerId, state: "running" })
      expect(JSON.stringify(asked.data)).not.toContain("subject")
      const id = asked.data.privacy_request.id

      const download = await waitFor(
        () => api.get(`/store/customers/me/data-export/${id}/download`, store(ada.token)),
        (r) => r.status !== 409,
        { what: "the export to be ready", timeoutMs: 60000 }
      )
      expect(download.status).toBe(200)
      expect(download.headers["content-disposition"]).toMatch(/^attachment; filename="data-export-.*\.json"$/)
      const document = download.data
      expect(document.customer).toMatchObject({ id: ada.customerId, email: ada.email, first_name: ada.first_name })
      expect(document.customer.addresses).toHaveLength(1)
      expect(document.orders.map((o: any) => o.id)).toEqual([adaOrder])
      expect(document.orders[0].items[0]).toMatchObject({ quantity: 1 })
      expect(Number(document.orders[0].total)).toBeGreaterThan(0)
      expect(document.orders[0].shipping_address.address_1).toBeTruthy()
      expect(document.privacy_requests.map((r: any) => r.id)).toContain(id)
      expect(document.audit_entries.map((e: any) => e.action)).toContain("privacy.export_requested")
      // Nothing of Bob's: not his email, not his order.
      const text = JSON.stringify(document).toLowerCase()
      expect(text).not.toContain(bob.email.toLowerCase())
      expect(text).not.toContain(bobOrder.toLowerCase())

      // Bob cannot download Ada's export: the same 404 as for an id that does not exist.
      expect((await api.get(`/store/customers/me/data-export/${id}/download`, store(bob.token))).status).toBe(404)
      expect((await api.get(`/store/customers/me/data-export/preq_nope/download`, store(ada.token))).status).toBe(404)

      // An admin's export is the admin's to download; past its expiry the link answers 410.
      const headers = await admin()
      const byAdmin = await api.post(`/admin/customers/${ada.customerId}/data-export`, { note: "ticket 42" }, headers)
      expect(byAdmin.status).toBe(202)
      const adminId = byAdmin.data.privacy_request.id
      const adminDownload = await waitFor(
        () => api.get(`/admin/omniflow/privacy-requests/${adminId}/download`, { ...headers, validateStatus: () => true }),
        (r) => r.status !== 409,
        { what: "the admin's export to be ready", timeoutMs: 60000 }
      )
      expect(adminDownload.status).toBe(200)
      expect(adminDownload.data.customer.id).toBe(ada.customerId)
      // …which Ada cannot fetch with her own export route.
      expect((await api.get(`/store/customers/me/data-export/${adminId}/download`, store(ada.token))).status).toBe(404)
      await lifecycle().updatePrivacyRequests({ id: adminId, expires_at: new Date(Date.now() - 1000) })
      const expired = await api.get(`/admin/omniflow/privacy-requests/${adminId}/download`, { ...headers, validateStatus: () => true })
      expect(expired.status).toBe(410)
      // The job deletes the expired file; the link stays gone.
      expect(await purgeExpiredExports(container)).toBe(1)
      expect((await lifecycle().retrievePrivacyRequest(adminId)).file_id).toBeNull()
      expect((await api.get(`/admin/omniflow/privacy-requests/${adminId}/download`, { ...headers, validateStatus: () => true })).status).toBe(410)

      const list = await api.get("/admin/omniflow/privacy-requests?kind=export&state=completed", headers)
      expect(list.data.privacy_requests.map((r: any) => r.id)).toEqual(expect.arrayContaining([id, adminId]))
      expect(list.data).toMatchObject({ limit: 20, offset: 0 })
      const adas = await api.get(`/admin/omniflow/privacy-requests?customer_id=${ada.customerId}`, headers)
      expect(adas.data.privacy_requests.map((r: any) => r.id).sort()).toEqual([id, adminId].sort())
      const bobs = await api.get(`/admin/omniflow/privacy-requests?customer_id=${bob.customerId}`, headers)
      expect(bobs.data.count).toBe(0)
    })

    it("erases a customer end to end: orders anonymised with their totals, login gone, nothing left anywhere, a certificate", async () => {
      const eve = await newCustomer("erase-eve")
      // A bystander whose address ends with Eve's: not Eve, and left alone.
      const bystanderEmail = `steve.${eve.email}`
      const headers = await admin()
      const { data: bystander } = await api.post("/admin/customers", { email: bystanderEmail, first_name: "Steve" }, headers)
      const orderId = await placeOrder(eve)
      const orderView = `/admin/orders/${orderId}?fields=id,email,total,subtotal,tax_total,*items,*shipping_address`
      // Canceled first: the shop refuses erasures while an order is still to be fulfilled.
      await api.post(`/admin/orders/${orderId}/cancel`, {}, headers)
      const before = (await api.get(orderView, headers)).data.order
      expect(before.email).toBe(eve.email)
      expect(before.subtotal).toBeGreaterThan(0)

      const asked = await api.post("/store/customers/me/erasure", { confirm: "ERASE" }, store(eve.token))
      expect(asked.status).toBe(202)
      const id = asked.data.privacy_request.id
      expect(asked.data.privacy_request).toMatchObject({ kind: "erasure", state: "running", customer_id: eve.customerId })

      const certificate = await waitFor(
        () => api.get(`/admin/erasure-requests/${id}`, headers).then((r) => r.data.erasure_request),
        (c) => c.state !== "running",
        { what: "the erasure to end", timeoutMs: 120000 }
      )
      expect(certificate.error).toBeNull()
      expect(certificate.state).toBe("completed")
      expect(certificate.phases.map((p: any) => p.name)).toEqual(["revoke", "assess", "erase", "verify", "certificate"])
      expect(certificate.phases.every((p: any) => !Number.isNaN(Date.parse(p.finished_at)))).toBe(true)
      expect(certificate.counts.revoked.auth_identities).toBe(1)
      expect(certificate.counts.assessed).toMatchObject({ orders: 1, customer_addresses: 1, order_addresses: expect.any(Number) })
      expect(certificate.counts.erased).toMatchObject({ customers: 1, orders: 1 })
      expect(certificate.verification.tables_searched).toBeGreaterThan(100)
      expect(certificate.verification.matches).toEqual([])
      expect(certificate.verification.searched_for).toEqual(["email", "phone", "names"])
      expect(certificate.requested_by).toEqual({ type: "customer", id: eve.customerId })
      const certificateText = JSON.stringify(certificate).toLowerCase()
      for (const personal of [eve.email, eve.first_name, eve.last_name, eve.phone]) {
        expect(certificateText).not.toContain(personal.toLowerCase())
      }

      // The order stays for the books: same totals and items, no email, no address.
      const after = (await api.get(orderView, headers)).data.order
      expect(after.email).not.toBe(eve.email)
      expect(after.email).toMatch(/@erased\.invalid$/)
      expect(after.shipping_address).toMatchObject({ first_name: null, last_name: null, address_1: null, city: null, postal_code: null })
      expect(after.shipping_address.country_code).toBe(before.shipping_address.country_code)
      expect([after.total, after.subtotal, after.tax_total]).toEqual([before.total, before.subtotal, before.tax_total])
      expect(after.items.map((i: any) => [i.variant_sku, i.quantity, i.unit_price])).toEqual(
        before.items.map((i: any) => [i.variant_sku, i.quantity, i.unit_price])
      )

      // The customer cannot log in any more, and the token they had does nothing more.
      const login = await api.post("/auth/customer/emailpass", { email: eve.email, password: "secret-password" }, { validateStatus: () => true })
      expect(login.status).toBe(401)
      const stale = await api.post(
        "/store/customers/me/addresses",
        { first_name: "Eve", address_1: "Back Door 1", city: "Kiel", country_code: "de" },
        store(eve.token)
      )
      expect([stale.status, stale.data.code]).toEqual([401, "customer_erased"])
      expect((await api.post("/store/customers/me/data-export", {}, store(eve.token))).status).toBe(401)
      // Their request's progress stays readable to them.
      const mine = await api.get("/store/customers/me/omniflow", store(eve.token))
      expect(mine.data.omniflow.privacy_requests.map((r: any) => [r.kind, r.state])).toEqual([["erasure", "completed"]])
      // The bystander keeps their address.
      const { data: still } = await api.get(`/admin/customers/${bystander.customer.id}`, headers)
      expect(still.customer.email).toBe(bystanderEmail)

      // Nothing anywhere in the database still holds the email, the phone or the names.
      // (Eve's address inside the bystander's is the bystander's.)
      expect(await searchEverywhere(container, eve.email, bystanderEmail)).toEqual([])
      expect(await searchEverywhere(container, eve.phone)).toEqual([])
      expect(await searchEverywhere(container, eve.last_name)).toEqual([])

      // Asking again changes nothing: the same request, the same certificate.
      const again = await api.post(`/admin/customers/${eve.customerId}/erasure`, {}, { ...headers, validateStatus: () => true })
      expect(again.status).toBe(200)
      expect(again.data.privacy_request.id).toBe(id)
      expect((await api.get(`/admin/erasure-requests/${id}`, headers)).data.erasure_request).toEqual(certificate)
    })

    it("an erasure cut off after its assess phase is finished by the resume job, keeping the phases already done", async () => {
      const cut = await newCustomer("erase-cut")
      const { request } = await lifecycle().openErasure({
        customer_id: cut.customerId,
        requester: { type: "customer", id: cut.customerId },
        subject: { email: cut.email, first_name: cut.first_name, last_name: cut.last_name, phone: cut.phone },
      })
      // What a crash right after `assess` leaves: both phases done and recorded, the run's
      // process gone.
      const firstTwoPhases = createWorkflow("test-privacy-revoke-and-assess", (input: { request_id: string; customer_id: string }) => {
        revokeCustomerAccessStep(input)
        assessPersonalDataStep(input)
        return new WorkflowResponse(input)
      })
      await firstTwoPhases(container).run({ input: { request_id: request.id, customer_id: cut.customerId } })
      await lifecycle().updatePrivacyRequests({ id: request.id, run_owner: DEAD_OWNER, state: "running" })
      const cutOff = (await lifecycle().retrievePrivacyRequest(request.id)) as any
      expect(cutOff.phases.map((p: any) => p.name)).toEqual(["revoke", "assess"])

      const outcomes = await resumePrivacyRequests(container)
      expect(outcomes.find((o) => o.id === request.id)).toMatchObject({ ok: true })

      const done = (await lifecycle().retrievePrivacyRequest(request.id)) as any
      expect(done.state).toBe("completed")
      expect(done.subject).toBeNull()
      expect(done.phases.map((p: any) => p.name)).toEqual(["revoke", "assess", "erase", "verify", "certificate"])
      expect(done.phases.slice(0, 2)).toEqual(cutOff.phases)
      expect(await searchEverywhere(container, cut.email)).toEqual([])
      // Nothing left to resume.
      expect((await resumePrivacyRequests(container)).find((o) => o.id === request.id)).toBeUndefined()
    })

    it("refuses bad input, store callers on admin routes, other people's exports and erasures with unfulfilled orders", async () => {
      const dan = await newCustomer("erase-dan")
      const headers = await admin()

      for (const body of [{}, { confirm: "yes" }, { confirm: "erase" }]) {
        const bad = await api.post("/store/customers/me/erasure", body, store(dan.token))
        expect(bad.status).toBe(400)
        expect(bad.data.message).toMatch(/confirm/)
      }
      const extra = await api.post("/store/customers/me/erasure", { confirm: "ERASE", force: true }, store(dan.token))
      expect(extra.status).toBe(400)
      expect((await api.get("/admin/omniflow/privacy-requests?kind=bogus", { ...headers, validateStatus: () => true })).status).toBe(400)

      // A customer's token is no admin's.
      const asCustomer = { headers: { authorization: `Bearer ${dan.token}` }, validateStatus: () => true }
      expect((await api.get("/admin/omniflow/privacy-requests", asCustomer)).status).toBe(401)
      expect((await api.post(`/admin/customers/${dan.customerId}/erasure`, {}, asCustomer)).status).toBe(401)
      expect((await api.get(`/admin/erasure-requests/preq_x`, asCustomer)).status).toBe(401)
      // No token at all on the store routes.
      expect((await api.post("/store/customers/me/erasure", { confirm: "ERASE" }, store())).status).toBe(401)

      // Unknown customer.
      const unknown = await api.post(`/admin/customers/cus_missing/erasure`, {}, { ...headers, validateStatus: () => true })
      expect(unknown.status).toBe(404)

      // An order still to be fulfilled: 409 naming it, and no request opened.
      const orderId = await placeOrder(dan)
      const refused = await api.post("/store/customers/me/erasure", { confirm: "ERASE" }, store(dan.token))
      expect(refused.status).toBe(409)
      expect(refused.data).toMatchObject({ code: "unfulfilled_orders", order_ids: [orderId] })
      expect(await lifecycle().listPrivacyRequests({ customer_id: dan.customerId, kind: "erasure" })).toEqual([])
      const byAdmin = await api.post(`/admin/customers/${dan.customerId}/erasure`, { note: "asked by phone" }, { ...headers, validateStatus: () => true })
      expect(byAdmin.status).toBe(409)
    })
  },
})
