import { medusaIntegrationTestRunner } from "../helpers/runner"
import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
// eslint-disable-next-line @typescript-eslint/no-var-requires
const parsePrometheusTextFormat = require("parse-prometheus-text-format")
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../../src/modules/flow-runs"
import { monitorFlowRuns } from "../../src/workflows/flow-runs/monitor-flow-runs"
import { adminHeaders, completeCart, prepareCart } from "../helpers/storefront"
import { adminOrder, createFailingShippingOption, prepareCartWithOption } from "../helpers/shipping"
import { appEnv } from "../helpers/app-env"
import { waitFor } from "../helpers/wait"

jest.setTimeout(240 * 1000)

const METRICS_TOKEN = "scrape-token-0123456789abcdef"

const ONBOARD = "omniflow-onboard-customer"

// Paid orders ship at once; the test fulfilment provider breaks shipping on demand; the
// Prometheus endpoint is on. Onboarding holds its failures instead of undoing them, with
// one automatic retry; the test mail service fails the welcome message on demand.
const env = appEnv({
  OMNIFLOW_OPTIONS: JSON.stringify({
    orderFlow: { shipAfterMinutes: 0 },
    metrics: { token: METRICS_TOKEN },
    flows: { [ONBOARD]: { compensate: false, retries: 1, retryBackoffSeconds: 1 } },
  }),
  OMNIFLOW_TEST_PROVIDERS: "true",
  OMNIFLOW_TEST_NOTIFICATIONS: "true",
})

const ORDER_FLOW = "omniflow-order-flow"

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
    })

    const key = () => seed.publishableKey
    const variant = (sku: string) => seed.variantsBySku[sku]
    const runs = () => container.resolve<FlowRunsModuleService>(FLOW_RUNS_MODULE)
    const sql = async (text: string, params: any[] = []) =>
      (await container.resolve(ContainerRegistrationKeys.PG_CONNECTION).raw(text, params)).rows

    /** FILTER-250G ships from Berlin, MUG-BLACK from Rotterdam: two fulfilments. */
    const SPLIT: [string, number][] = [
      ["FILTER-250G", 1],
      ["MUG-BLACK", 1],
    ]

    async function placeOrder(lines: [string, number][], optionId?: string) {
      const items = lines.map(([sku, quantity]) => ({ variant_id: variant(sku).id, quantity }))
      const cartId = optionId
        ? await prepareCartWithOption(api, key(), { regionId: seed.regionId, items, optionId })
        : await prepareCart(api, key(), { regionId: seed.regionId, items })
      const placed = await completeCart(api, key(), cartId)
      expect(placed.status).toBe(200)
      return { order: placed.body.order, cartId }
    }

    const adminFlow = async (orderId: string) => (await api.get(`/admin/orders/${orderId}/omniflow`, admin)).data.omniflow
    const waitForStage = (orderId: string, stages: string[]) =>
      waitFor(() => adminFlow(orderId), (f) => stages.includes(f.flow?.stage), { what: `order ${orderId} to reach ${stages}` })

    /** The order-flow runs recorded for an order, oldest first, as the admin API lists them. */
    const flowRunsOf = async (orderId: string) =>
      (await api.get(`/admin/omniflow/runs?subject_id=${orderId}&workflow_id=${ORDER_FLOW}`, admin)).data.flow_runs.reverse()

    /** An order whose shipment fails at Rotterdam while the carrier is down (until `until`). */
    async function orderFailingToShip(message: string, until: Date | null) {
      const optionId = await createFailingShippingOption(container, seed, {
        serviceZoneOf: seed.stockLocations.berlin,
        failAt: [seed.stockLocations.rotterdam],
        message,
        ...(until ? { failUntil: until } : {}),
      })
      const { order } = await placeOrder(SPLIT, optionId)
      const failed = await waitForStage(order.id, ["failed", "fulfilled"])
      expect(failed.flow.stage).toBe("failed")
      const [run] = await waitFor(
        () => flowRunsOf(order.id),
        (rs) => rs.length > 0 && rs[rs.length - 1].state === "failed",
        { what: `the failed run of ${order.id} to be recorded` }
      )
      return { order, run }
    }

    describe("run registry and inbox", () => {
      it("records a checkout and its order's flow: trigger, actor, subject, steps, duration", async () => {
        const { order, cartId } = await placeOrder([["MUG-BLACK", 1]])
        await waitForStage(order.id, ["fulfilled"])
        const [flowRun] = await waitFor(
          () => flowRunsOf(order.id),
          (rs) => rs[0]?.state === "succeeded",
          { what: "the order flow run to be recorded as succeeded" }
        )
        expect(flowRun).toEqual(
          expect.objectContaining({
            workflow_id: ORDER_FLOW,
            trigger: "subscriber",
            trigger_name: "order.placed",
            subject_type: "order",
            subject_id: order.id,
            input: { order_id: order.id },
            inbox: null,
            error: null,
          })
        )
        expect(flowRun.duration_ms).toBeGreaterThanOrEqual(0)
        const names = flowRun.steps.map((s: any) => s.name)
        expect(names).toEqual(expect.arrayContaining(["create-order-flow-step", "capture-order-payments-step", "create-split-fulfillments-step"]))
        expect(flowRun.steps.filter((s: any) => !["done", "skipped"].includes(s.state))).toEqual([])

        // Core's checkout, run by the store route, with the guest and the cart.
        const checkout = await waitFor(
          async () => (await api.get(`/admin/omniflow/runs?workflow_id=complete-cart&subject_id=${cartId}`, admin)).data.flow_runs,
          (rs) => rs[0]?.state === "succeeded",
          { what: "the checkout run to be recorded" }
        )
        expect(checkout[0]).toEqual(
          expect.objectContaining({
            trigger: "route",
            trigger_name: `POST /store/carts/${cartId}/complete`,
            actor_type: "guest",
            subject_type: "cart",
            subject_id: cartId,
          })
        )
      })

      it("puts a failed flow in the inbox; a retry after the carrier is back ships it once; a second retry is a conflict", async () => {
        const back = new Date(Date.now() + 8000)
        const { order, run } = await orderFailingToShip("Rotterdam carrier is down", back)
        expect(run).toEqual(
          expect.objectContaining({
            state: "failed",
            inbox: "open",
            failed_step: "create-split-fulfillments-step",
            error: expect.stringContaining("Rotterdam carrier is down"),
          })
        )
        const inbox = (await api.get(`/admin/omniflow/runs?inbox=open`, admin)).data.flow_runs
        expect(inbox.map((r: any) => r.id)).toContain(run.id)
        // The failed shipment cancelled what it had created: nothing shipped yet.
        expect((await adminOrder(api, admin, order.id)).fulfillments.filter((f: any) => !f.canceled_at)).toHaveLength(0)

        await new Promise((r) => setTimeout(r, Math.max(0, back.getTime() - Date.now() + 200)))
        const retried = await api.post(`/admin/omniflow/runs/${run.id}/retry`, {}, admin)
        expect(retried.status).toBe(200)
        expect(retried.data.flow_run).toEqual(expect.objectContaining({ id: run.id, inbox: "retried" }))
        // The new run goes on past its waits in the background: it is recorded as it ends.
        expect(retried.data.retry).toEqual(expect.objectContaining({ state: "running", error: null }))
        expect((await waitForStage(order.id, ["fulfilled", "failed"])).flow.stage).toBe("fulfilled")

        const { data: detail } = await api.get(`/admin/omniflow/runs/${run.id}`, admin)
        expect(detail.flow_run.retried_as).toBe(retried.data.retry.transaction_id)
        const { data: me } = await api.get("/admin/users/me", admin)
        const retries = await waitFor(
          async () => (await api.get(`/admin/omniflow/runs/${run.id}`, admin)).data.retries,
          (rs) => rs[0]?.state === "succeeded",
          { what: "the retry's run to be recorded as succeeded" }
        )
        expect(retries).toEqual([
          expect.objectContaining({ retry_of: run.id, trigger: "retry", actor_type: "user", actor_id: me.user.id, state: "succeeded" }),
        ])

        // Twice: a conflict, and nothing happens twice.
        const again = await api.post(`/admin/omniflow/runs/${run.id}/retry`, {}, { ...admin, validateStatus: () => true })
        expect(again.status).toBe(409)
        expect(again.data.message).toMatch(/already retried/)
        const core = await adminOrder(api, admin, order.id)
        const live = core.fulfillments.filter((f: any) => !f.canceled_at)
        expect(live.map((f: any) => f.location_id).sort()).toEqual([seed.stockLocations.berlin, seed.stockLocations.rotterdam].sort())
        expect(core.fulfillment_status).toBe("fulfilled")
      })

      it("retrying a run whose effects already happened changes nothing twice", async () => {
        const { order, run } = await orderFailingToShip("Rotterdam carrier is down for good", null)
        const paymentsBefore = await sql(
          `SELECT p.id, (SELECT count(*) FROM capture c WHERE c.payment_id = p.id AND c.deleted_at IS NULL)::int AS captures
             FROM payment p JOIN order_payment_collection opc ON opc.payment_collection_id = p.payment_collection_id
            WHERE opc.order_id = ?`,
          [order.id]
        )
        expect(paymentsBefore.map((p: any) => p.captures)).toEqual([1])

        // The carrier is still down: the retry fails again, as a run of its own in the inbox.
        const retried = await api.post(`/admin/omniflow/runs/${run.id}/retry`, {}, admin)
        expect(retried.data.retry.state).toBe("running")
        const runsNow = await waitFor(
          () => flowRunsOf(order.id),
          (rs) => rs.length === 2 && rs[1].state === "failed",
          { what: "the retry's own failed run" }
        )
        expect(runsNow[1]).toEqual(expect.objectContaining({ retry_of: run.id, inbox: "open" }))
        // The payment was captured once, by the first run; the retry captured nothing more.
        const paymentsAfter = await sql(
          `SELECT (SELECT count(*) FROM capture c WHERE c.payment_id = p.id AND c.deleted_at IS NULL)::int AS captures
             FROM payment p JOIN order_payment_collection opc ON opc.payment_collection_id = p.payment_collection_id
            WHERE opc.order_id = ?`,
          [order.id]
        )
        expect(paymentsAfter.map((p: any) => p.captures)).toEqual([1])
        expect((await adminOrder(api, admin, order.id)).fulfillments.filter((f: any) => !f.canceled_at)).toHaveLength(0)

        // Resolved with a note: who, when, why. A second resolve is a conflict.
        const { data: me } = await api.get("/admin/users/me", admin)
        const noNote = await api.post(`/admin/omniflow/runs/${runsNow[1].id}/resolve`, {}, { ...admin, validateStatus: () => true })
        expect([noNote.status, noNote.data.message]).toEqual([400, expect.stringContaining("note")])
        const resolved = await api.post(`/admin/omniflow/runs/${runsNow[1].id}/resolve`, { note: "shipped by hand" }, admin)
        expect(resolved.data.flow_run).toEqual(
          expect.objectContaining({ inbox: "resolved", resolved_by: me.user.id, resolution_note: "shipped by hand", resolved_at: expect.any(String) })
        )
        const twice = await api.post(`/admin/omniflow/runs/${runsNow[1].id}/resolve`, { note: "again" }, { ...admin, validateStatus: () => true })
        expect(twice.status).toBe(409)
      })

      it("holds a flow that does not compensate at its failing step; retries continue that run, nothing done twice", async () => {
        process.env.OMNIFLOW_TEST_FAIL_TEMPLATES = "omniflow-welcome"
        try {
          const created = await api.post("/admin/customers", { email: "hold.new@example.com", first_name: "Hedy" }, admin)
          const customerId = created.data.customer.id
          const onboardRuns = async () =>
            (await api.get(`/admin/omniflow/runs?workflow_id=${ONBOARD}&subject_id=${customerId}`, admin)).data.flow_runs as any[]
          const stepOf = (run: any, name: string) => run.steps.find((s: any) => s.name === name)
          const WELCOME = "send-welcome-notification-step"

          const [held] = await waitFor(onboardRuns, (rs) => rs.length === 1 && rs[0].state === "held", {
            what: "the onboarding run to be held",
          })
          expect(held).toEqual(
            expect.objectContaining({ inbox: "open", failed_step: WELCOME, error: expect.stringContaining("mail service unavailable") })
          )
          expect(stepOf(held, WELCOME)).toEqual(expect.objectContaining({ state: "held", attempts: 1 }))
          // Nothing undone: the customer stays in the default group the run added them to.
          const groups = async () =>
            (await api.get(`/admin/customers/${customerId}?fields=id,*groups`, admin)).data.customer.groups.map((g: any) => g.name)
          expect(await groups()).toEqual(["Registered customers"])

          // The automatic retry (one, by the flow's policy) continues the same run; the mail
          // service is still down, so it holds again at the same step, now on its second attempt.
          await monitorFlowRuns(container, new Date(Date.now() + 60_000))
          const [again] = await waitFor(onboardRuns, (rs) => rs[0]?.state === "held" && stepOf(rs[0], WELCOME)?.attempts === 2, {
            what: "the automatic retry to hold again",
          })
          expect([again.id, again.transaction_id, again.inbox]).toEqual([held.id, held.transaction_id, "open"])
          expect((await monitorFlowRuns(container, new Date(Date.now() + 10 * 60_000))).retried).toBe(0)

          // The mail service is back: the admin's retry continues the run from the welcome step.
          delete process.env.OMNIFLOW_TEST_FAIL_TEMPLATES
          const retried = await api.post(`/admin/omniflow/runs/${held.id}/retry`, {}, admin)
          expect(retried.data.retry).toEqual(
            expect.objectContaining({ transaction_id: held.transaction_id, continued: true, state: "succeeded" })
          )
          const [done] = await waitFor(onboardRuns, (rs) => rs[0]?.state === "succeeded", { what: "the continued run to succeed" })
          expect(await onboardRuns()).toHaveLength(1)
          expect(done.inbox).toBe("retried")
          expect(stepOf(done, WELCOME)).toEqual(expect.objectContaining({ state: "done", attempts: 3 }))
          expect(stepOf(done, "add-customer-to-default-group-step")).toEqual(expect.objectContaining({ state: "done", attempts: 1 }))
          const [onboarding] = await sql(`SELECT state FROM omniflow_onboarding WHERE customer_id = ?`, [customerId])
          expect(onboarding.state).toBe("completed")
          const welcomes = await container
            .resolve(Modules.NOTIFICATION)
            .listNotifications({ receiver_id: customerId, template: "omniflow-welcome", status: "success" } as any)
          expect(welcomes).toHaveLength(1)
          const trail = (await api.get(`/admin/omniflow/audit?target=${customerId}`, admin)).data.audit_entries
          expect(trail.map((e: any) => e.action)).toEqual(["customer.onboarded"])

          const twice = await api.post(`/admin/omniflow/runs/${held.id}/retry`, {}, { ...admin, validateStatus: () => true })
          expect(twice.status).toBe(409)
        } finally {
          delete process.env.OMNIFLOW_TEST_FAIL_TEMPLATES
        }
      })

      it("detects a run that stopped making progress and puts it in the inbox", async () => {
        const transaction_id = `cut-off-${Date.now()}`
        // What the recorder wrote for a run whose process then died mid-step.
        await runs().recordStart({ workflow_id: "record-order-copurchases", transaction_id, at: new Date(), origin: { trigger: "subscriber", trigger_name: "order.placed" } })
        expect((await monitorFlowRuns(container)).timed_out).toBe(0)

        const summary = await monitorFlowRuns(container, new Date(Date.now() + 6 * 60_000))
        expect(summary.timed_out).toBeGreaterThanOrEqual(1)
        const [row] = await runs().listFlowRuns({ transaction_id })
        expect(row).toEqual(expect.objectContaining({ state: "timed_out", inbox: "open", error: "no progress for 5 minute(s)" }))
      })
    })

    describe("admin API", () => {
      it("answers bad input with 400 naming the field, unknown runs with 404, retry of a run that did not fail with 409, strangers with 401", async () => {
        const bad = await api.get(`/admin/omniflow/runs?state=exploded`, { ...admin, validateStatus: () => true })
        expect([bad.status, bad.data.message]).toEqual([400, expect.stringContaining("state")])
        const window = await api.get(`/admin/omniflow/metrics?window=2h`, { ...admin, validateStatus: () => true })
        expect([window.status, window.data.message]).toEqual([400, expect.stringContaining("window")])
        const missing = await api.get(`/admin/omniflow/runs/frun_nope`, { ...admin, validateStatus: () => true })
        expect(missing.status).toBe(404)
        const retryMissing = await api.post(`/admin/omniflow/runs/frun_nope/retry`, {}, { ...admin, validateStatus: () => true })
        expect(retryMissing.status).toBe(404)

        const { order } = await placeOrder([["MUG-BLACK", 1]])
        const [ok] = await waitFor(() => flowRunsOf(order.id), (rs) => rs[0]?.state === "succeeded", { what: "a succeeded run" })
        const notFailed = await api.post(`/admin/omniflow/runs/${ok.id}/retry`, {}, { ...admin, validateStatus: () => true })
        expect([notFailed.status, notFailed.data.message]).toEqual([409, expect.stringContaining("not in the inbox")])

        // Filters by start time: the run is inside [before it, after it) and outside a later window.
        const badTime = await api.get(`/admin/omniflow/runs?started_after=yesterday`, { ...admin, validateStatus: () => true })
        expect([badTime.status, badTime.data.message]).toEqual([400, expect.stringContaining("started_after")])
        const at = new Date(ok.started_at).getTime()
        const within = `started_after=${new Date(at - 1000).toISOString()}&started_before=${new Date(at + 1000).toISOString()}`
        const found = await api.get(`/admin/omniflow/runs?subject_id=${order.id}&${within}`, admin)
        expect(found.data.flow_runs.map((r: any) => r.id)).toContain(ok.id)
        const later = await api.get(`/admin/omniflow/runs?subject_id=${order.id}&started_after=${new Date(at + 1000).toISOString()}`, admin)
        expect(later.data.flow_runs.map((r: any) => r.id)).not.toContain(ok.id)

        for (const [method, url] of [
          ["get", "/admin/omniflow/runs"],
          ["get", `/admin/omniflow/runs/${ok.id}`],
          ["post", `/admin/omniflow/runs/${ok.id}/retry`],
          ["post", `/admin/omniflow/runs/${ok.id}/resolve`],
          ["get", "/admin/omniflow/metrics"],
        ] as const) {
          const res = await (api as any)[method](url, ...(method === "post" ? [{}] : []), { validateStatus: () => true })
          expect([url, res.status]).toEqual([url, 401])
        }
      })
    })

    describe("metrics", () => {
      it("counts the runs that happened, by flow and state, with durations, step success and the inbox", async () => {
        await orderFailingToShip("carrier down for the metrics", null)
        const { data } = await api.get(`/admin/omniflow/metrics?window=1h`, admin)
        const rows = await sql(
          `SELECT workflow_id, state, count(*)::int AS n FROM flow_run WHERE started_at >= now() - interval '1 hour' GROUP BY 1, 2`
        )
        for (const r of rows) {
          const flow = data.flows.find((f: any) => f.workflow_id === r.workflow_id)
          expect([r.workflow_id, r.state, flow?.by_state[r.state]]).toEqual([r.workflow_id, r.state, r.n])
        }
        const orderFlow = data.flows.find((f: any) => f.workflow_id === ORDER_FLOW)
        expect(orderFlow.by_state.failed).toBeGreaterThanOrEqual(1)
        expect(orderFlow.duration_ms.p50).toBeGreaterThanOrEqual(0)
        expect(orderFlow.duration_ms.p95).toBeGreaterThanOrEqual(orderFlow.duration_ms.p50)
        const shipStep = orderFlow.steps.find((s: any) => s.name === "create-split-fulfillments-step")
        expect(shipStep.success_rate).toBeLessThan(1)
        const [{ n: open }] = await sql(`SELECT count(*)::int AS n FROM flow_run WHERE inbox = 'open'`)
        expect(data.inbox.open).toBe(open)

        // The chart's series: 12 buckets of 5 minutes holding every run of the hour, and its failures.
        expect(data.series).toHaveLength(12)
        const total = (key: "runs" | "failed") => data.series.reduce((n: number, b: any) => n + b[key], 0)
        const inHour = rows.reduce((n: number, r: any) => n + r.n, 0)
        const failedInHour = rows.filter((r: any) => ["failed", "compensated", "timed_out", "held"].includes(r.state)).reduce((n: number, r: any) => n + r.n, 0)
        expect([total("runs"), total("failed")]).toEqual([inHour, failedInHour])
        expect(failedInHour).toBeGreaterThanOrEqual(1)
      })

      it("serves Prometheus text format to the bearer of the token, and 401 to anyone else", async () => {
        const scrape = await api.get(`/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
        expect(scrape.status).toBe(200)
        expect(scrape.headers["content-type"]).toContain("text/plain")
        const families = parsePrometheusTextFormat(scrape.data) as { name: string; type: string; metrics: any[] }[]
        const family = (name: string) => families.find((f) => f.name === name)
        expect(family("omniflow_flow_runs_total")?.type).toBe("COUNTER")
        const failed = family("omniflow_flow_runs_total")!.metrics.find(
          (m) => m.labels.flow === ORDER_FLOW && m.labels.state === "failed"
        )
        expect(Number(failed.value)).toBeGreaterThanOrEqual(1)
        expect(family("omniflow_flow_run_duration_seconds")?.type).toBe("HISTOGRAM")
        expect(family("omniflow_flow_steps_total")?.type).toBe("COUNTER")
        const [{ n: open }] = await sql(`SELECT count(*)::int AS n FROM flow_run WHERE inbox = 'open'`)
        expect(Number(family("omniflow_inbox_open")!.metrics[0].value)).toBe(open)

        for (const headers of [{}, { authorization: "Bearer wrong-token-0123456789" }, { authorization: METRICS_TOKEN }]) {
          const res = await api.get(`/metrics`, { headers, validateStatus: () => true })
          expect(res.status).toBe(401)
        }
      })
    })
  },
})
