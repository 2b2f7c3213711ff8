import { medusaIntegrationTestRunner } from "../helpers/runner"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { MedusaContainer } from "@medusajs/framework/types"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../src/modules/risk-review"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../src/modules/inventory-dedup"
import { enforceOrderFlowDeadlines } from "../../src/workflows/order-flow"
import orderFlowOrderPlaced from "../../src/subscribers/order-flow-order-placed"
import { ADDRESS, adminHeaders, completeCart, prepareCart, registerCustomer, storeHeaders } from "../helpers/storefront"
import { stockFigures } from "../helpers/stock"
import { createFailingShippingOption, prepareCartWithOption } from "../helpers/shipping"
import { waitFor } from "../helpers/wait"
import { appEnv } from "../helpers/app-env"

jest.setTimeout(240 * 1000)

const HOUR = 60 * 60 * 1000

// Orders above 150 EUR are held; paid orders ship at once (no cancellation window); the
// test fulfilment provider is registered for the failing warehouse.
// Set before the runner loads medusa-config.ts, which it does before applying `env`.
const env = appEnv({
  OMNIFLOW_OPTIONS: JSON.stringify({
    riskReview: { holdAboveAmount: 150 },
    orderFlow: { shipAfterMinutes: 0 },
  }),
  OMNIFLOW_TEST_PROVIDERS: "true",
})

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
    const service = () => container.resolve<RiskReviewModuleService>(RISK_REVIEW_MODULE)

    async function placeOrder(
      lines: [string, number][],
      opts: { token?: string; email?: string; shippingOptionId?: string } = {}
    ): Promise<any> {
      const items = lines.map(([sku, quantity]) => ({ variant_id: variant(sku).id, quantity }))
      const cartId = opts.shippingOptionId
        ? await prepareCartWithOption(api, key(), { regionId: seed.regionId, items, optionId: opts.shippingOptionId })
        : await prepareCart(api, key(), { regionId: seed.regionId, token: opts.token, email: opts.email, items })
      const placed = await completeCart(api, key(), cartId, opts.token)
      expect(placed.status).toBe(200)
      return placed.body.order
    }

    const adminFlow = async (orderId: string) =>
      (await api.get(`/admin/orders/${orderId}/omniflow`, admin)).data.omniflow

    const waitForStage = (orderId: string, stages: string[], timeoutMs = 30000) =>
      waitFor(
        () => adminFlow(orderId),
        (f) => stages.includes(f.flow?.stage),
        { what: `order ${orderId} to reach ${stages.join("|")}`, timeoutMs }
      )

    async function orderDetails(orderId: string) {
      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      const { data } = await query.graph({
        entity: "order",
        fields: [
          "id",
          "status",
          "items.id",
          "items.variant_sku",
          "fulfillments.id",
          "fulfillments.location_id",
          "fulfillments.canceled_at",
          "payment_collections.status",
          "payment_collections.payments.id",
          "payment_collections.payments.captured_at",
          "payment_collections.payments.canceled_at",
        ],
        filters: { id: orderId },
      })
      return data[0] as any
    }

    const reserved = async (sku: string) => (await stockFigures(container, variant(sku).inventoryItemId)).reserved
    const payments = (order: any) => order.payment_collections.flatMap((pc: any) => pc.payments)

    describe("automatic approval and split shipment", () => {
      it("approves a small order, captures its payment and ships one fulfilment per warehouse", async () => {
        const customer = await registerCustomer(api, key(), "small@example.com")
        // FILTER-250G is stocked only in Berlin, KETTLE-EU only in Rotterdam.
        const order = await placeOrder(
          [
            ["FILTER-250G", 1],
            ["KETTLE-EU", 1],
          ],
          { token: customer.token, email: "small@example.com" }
        )
        const reservations = await container
          .resolve(Modules.INVENTORY)
          .listReservationItems({ line_item_id: order.items.map((i: any) => i.id) })
        const reservedAt = new Set(reservations.map((r) => r.location_id))

        const flow = await waitForStage(order.id, ["fulfilled", "failed"])
        expect([flow.flow.stage, flow.flow.failure_reason]).toEqual(["fulfilled", null])
        expect(flow.flow.risk_decision).toBe("approve")
        expect(flow.risk_review).toBeNull()

        const details = await orderDetails(order.id)
        expect(payments(details).every((p: any) => !!p.captured_at)).toBe(true)
        const live = details.fulfillments.filter((f: any) => !f.canceled_at)
        expect(live).toHaveLength(2)
        expect(new Set(live.map((f: any) => f.location_id))).toEqual(
          new Set([seed.stockLocations.berlin, seed.stockLocations.rotterdam])
        )
        // Each line ships from where core reserved it.
        expect(reservedAt).toEqual(new Set(live.map((f: any) => f.location_id)))

        const { data: mine } = await api.get(
          `/store/orders/${order.id}/omniflow`,
          storeHeaders(key(), customer.token)
        )
        expect(mine.omniflow.status).toBe("shipping from 2 warehouses")
        expect(mine.omniflow.timeline.map((t: any) => t.status)).toEqual([
          "order received",
          "approved",
          "payment received",
          "shipping from 2 warehouses",
        ])
        expect(JSON.stringify(mine)).not.toMatch(/score|reasons|first_order/)
      })

      it("cancels the fulfilments already created when one warehouse fails, and marks the flow failed", async () => {
        // A real carrier integration that is down at one warehouse: the test fulfilment
        // provider fails there. Locations ship in id order, so it fails at the second one
        // and the first one's fulfilment has to be cancelled.
        const [first, second] = [seed.stockLocations.berlin, seed.stockLocations.rotterdam].sort()
        const shippingOptionId = await createFailingShippingOption(container, seed, {
          serviceZoneOf: seed.stockLocations.rotterdam,
          failAt: [second],
          message: "the carrier is down",
        })
        // GRINDER-STEEL is stocked only in Berlin, MUG-BLACK only in Rotterdam.
        const order = await placeOrder(
          [
            ["GRINDER-STEEL", 1],
            ["MUG-BLACK", 1],
          ],
          { shippingOptionId }
        )
        const flow = await waitForStage(order.id, ["fulfilled", "failed"])
        expect(flow.flow.stage).toBe("failed")
        expect(flow.flow.failure_reason).toMatch(
          new RegExp(`Split shipment failed at .*\\(${second}\\): the carrier is down; 1 fulfilment\\(s\\) already created were cancelled`)
        )
        expect(flow.timeline.map((e: any) => `${e.stage}:${e.status}`)).toContain("shipment:failed")

        const details = await orderDetails(order.id)
        expect(details.fulfillments.map((f: any) => [f.location_id, !!f.canceled_at])).toEqual([[first, true]])
        // Both units are reserved again, not shipped.
        const res = await container
          .resolve(Modules.INVENTORY)
          .listReservationItems({ line_item_id: order.items.map((i: any) => i.id) })
        expect(res.map((r) => Number(r.quantity))).toEqual([1, 1])
      })
    })

    describe("risk review", () => {
      it("holds a large order, lists it for the admin, and ships it once approved", async () => {
        const customer = await registerCustomer(api, key(), "big@example.com")
        // 2 × 79 = 158 > 150
        const order = await placeOrder([["GRINDER-STEEL", 2]], { token: customer.token, email: "big@example.com" })
        const held = await waitForStage(order.id, ["under_review"])
        expect(held.risk_review.status).toBe("pending")
        expect(held.risk_review.reasons.map((r: any) => r.rule)).toEqual(
          expect.arrayContaining(["order_total", "first_order"])
        )
        expect(held.flow.risk_score).toBe(75)

        const { data: list } = await api.get("/admin/risk-reviews?status=pending&order=-score", admin)
        expect(list.count).toBe(1)
        expect(list.risk_reviews[0].order_id).toBe(order.id)
        const reviewId = list.risk_reviews[0].id
        const review = async () => (await api.get(`/admin/risk-reviews/${reviewId}`, admin)).data.risk_review
        const pending = await review()
        expect(pending).toMatchObject({ id: reviewId, order_id: order.id, status: "pending", score: 75, decided_by: null })
        // The admin has the configured 48 hours to decide.
        expect(new Date(pending.deadline_at).getTime() - new Date(pending.created_at).getTime()).toBeCloseTo(48 * HOUR, -4)

        const { data: mine } = await api.get(`/store/orders/${order.id}/omniflow`, storeHeaders(key(), customer.token))
        expect(mine.omniflow.status).toBe("under review")

        const { data: me } = await api.get("/admin/users/me", admin)
        const { data: approved } = await api.post(`/admin/risk-reviews/${reviewId}/approve`, { note: "known buyer" }, admin)
        expect(approved.risk_review.status).toBe("approved")
        expect(approved.risk_review.decided_by).toBe(me.user.id)
        expect(approved.risk_review.decided_at).toBeTruthy()
        expect(approved.risk_review.note).toBe("known buyer")

        const done = await waitForStage(order.id, ["fulfilled", "failed"])
        expect([done.flow.stage, done.flow.failure_reason]).toEqual(["fulfilled", null])
        const details = await orderDetails(order.id)
        expect(payments(details).every((p: any) => !!p.captured_at)).toBe(true)
        expect(details.fulfillments.filter((f: any) => !f.canceled_at)).toHaveLength(1)

        for (const [action, body] of [
          ["approve", {}],
          ["reject", { reason: "late" }],
        ] as const) {
          const again = await api.post(`/admin/risk-reviews/${reviewId}/${action}`, body, {
            ...admin,
            validateStatus: () => true,
          })
          expect(again.status).toBe(409)
          expect(again.data.status).toBe("approved")
        }
        // One decision, one audit entry naming who decided.
        const { data: trail } = await api.get(`/admin/omniflow/audit?target=${order.id}`, admin)
        expect(trail.audit_entries.map((e: any) => [e.action, e.actor_type, e.actor_id, e.details.decision])).toEqual([
          ["order.review_decided", "user", me.user.id, "approve"],
        ])
      })

      it("cancels a rejected order, returns its stock, cancels its payment and tells the customer", async () => {
        const customer = await registerCustomer(api, key(), "rejected@example.com")
        const before = await reserved("KETTLE-EU")
        const order = await placeOrder([["KETTLE-EU", 2]], { token: customer.token, email: "rejected@example.com" })
        const held = await waitForStage(order.id, ["under_review"])
        expect(await reserved("KETTLE-EU")).toBe(before + 2)

        const { data } = await api.post(
          `/admin/risk-reviews/${held.risk_review.id}/reject`,
          { reason: "card testing pattern" },
          admin
        )
        expect(data.risk_review.status).toBe("rejected")
        expect(data.risk_review.reason).toBe("card testing pattern")

        const done = await waitForStage(order.id, ["canceled", "failed"])
        expect(done.flow.stage).toBe("canceled")
        expect(done.flow.failure_reason).toBe("card testing pattern")
        const details = await orderDetails(order.id)
        expect(details.status).toBe("canceled")
        expect(payments(details).every((p: any) => !!p.canceled_at && !p.captured_at)).toBe(true)
        expect(await reserved("KETTLE-EU")).toBe(before)
        // The stock came back through the ledger, once: a replay would change nothing.
        const effects = await container
          .resolve<InventoryDedupModuleService>(INVENTORY_DEDUP_MODULE)
          .listStockEffects({ key: `order:${order.id}:cancel` })
        expect(effects.map((e) => [e.kind, (e.result as any)?.already_canceled])).toEqual([["cancel", false]])
        const { data: trail } = await api.get(`/admin/omniflow/audit?target=${order.id}`, admin)
        expect(trail.audit_entries.map((e: any) => [e.action, e.details.decision ?? null, e.details.reason]).sort()).toEqual([
          ["order.canceled", null, "card testing pattern"],
          ["order.review_decided", "reject", "card testing pattern"],
        ])

        const { data: mine } = await api.get(`/store/orders/${order.id}/omniflow`, storeHeaders(key(), customer.token))
        expect(mine.omniflow.status).toBe("canceled")
        const last = mine.omniflow.timeline[mine.omniflow.timeline.length - 1]
        expect(last.status).toBe("canceled")
        expect(last.message).toMatch(/could not accept your order/)

        const notifications = await container
          .resolve(Modules.NOTIFICATION)
          .listNotifications({ to: "rejected@example.com", channel: "email", resource_type: "order" } as any)
        expect(notifications).toHaveLength(1)
        expect(notifications[0].template).toBe("omniflow-order-canceled")
      })

      it("applies the deadline policy to a review nobody decided: the order is cancelled", async () => {
        const before = await reserved("GRINDER-STEEL")
        const order = await placeOrder([["GRINDER-STEEL", 2]])
        const held = await waitForStage(order.id, ["under_review"])

        // Not yet due: nothing happens.
        await enforceOrderFlowDeadlines(container, new Date(Date.now() + HOUR))
        expect((await adminFlow(order.id)).flow.stage).toBe("under_review")

        const summary = await enforceOrderFlowDeadlines(container, new Date(Date.now() + 49 * HOUR))
        expect(summary.reviews_expired).toBe(1)
        const done = await waitForStage(order.id, ["canceled", "failed"])
        expect(done.flow.stage).toBe("canceled")
        // The pending review was decided by the deadline, not by a person.
        expect(held.risk_review).toMatchObject({ status: "pending", decided_by: null })
        expect(done.risk_review).toMatchObject({
          status: "rejected",
          decided_by: "system:deadline",
          decision_source: "deadline",
          reason: "review deadline passed",
        })
        expect((await orderDetails(order.id)).status).toBe("canceled")
        expect(await reserved("GRINDER-STEEL")).toBe(before)

        // A second run finds nothing to do.
        const again = await enforceOrderFlowDeadlines(container, new Date(Date.now() + 49 * HOUR))
        expect(again.reviews_expired).toBe(0)
      })

      it("starts one flow and one review when order.placed arrives twice", async () => {
        const order = await placeOrder([["KETTLE-EU", 2]])
        const held = await waitForStage(order.id, ["under_review"])

        // The event delivered again through the event bus, while two more deliveries (another
        // instance, a retry) run at once; every one of them is awaited before looking.
        const eventBus = container.resolve(Modules.EVENT_BUS) as any
        const subscriber = eventBus.eventEmitter_
          .listeners("order.placed")
          .find((l: any) => l.subscriberId === "omniflow-order-flow-order-placed")
        expect(subscriber).toBeDefined()
        const redeliveries: Promise<unknown>[] = []
        const tracked = Object.assign((data: unknown) => redeliveries.push(subscriber(data)), { subscriberId: subscriber.subscriberId })
        eventBus.eventEmitter_.off("order.placed", subscriber)
        eventBus.eventEmitter_.on("order.placed", tracked)
        try {
          await eventBus.emit({ name: "order.placed", data: { id: order.id } })
          await Promise.all([
            orderFlowOrderPlaced({ event: { name: "order.placed", data: { id: order.id } }, container } as any),
            orderFlowOrderPlaced({ event: { name: "order.placed", data: { id: order.id } }, container } as any),
          ])
          await waitFor(async () => redeliveries.length, (n) => n === 1, { what: "the event bus to deliver order.placed again" })
          await Promise.all(redeliveries)
        } finally {
          eventBus.eventEmitter_.off("order.placed", tracked)
          eventBus.eventEmitter_.on("order.placed", subscriber)
        }

        // Nothing was started over, undone or decided: the same flow, still held, the same
        // review, still pending, and the start and the assessment on the timeline once.
        const flow = await adminFlow(order.id)
        expect([flow.flow.id, flow.flow.stage, flow.flow.risk_score]).toEqual([held.flow.id, "under_review", held.flow.risk_score])
        expect([flow.risk_review.id, flow.risk_review.status]).toEqual([held.risk_review.id, "pending"])
        expect(flow.timeline.filter((e: any) => e.stage === "assessing")).toHaveLength(1)
        expect(flow.timeline.filter((e: any) => e.stage === "risk_assessment")).toHaveLength(1)
      })
    })

    describe("payment deadline", () => {
      it("cancels an approved order whose payment never arrived and returns its stock", async () => {
        const before = await reserved("MUG-BLACK")
        const draftRes = await api.post(
          "/admin/draft-orders",
          {
            region_id: seed.regionId,
            sales_channel_id: seed.salesChannelId,
            email: "manual-payer@example.com",
            items: [{ variant_id: variant("MUG-BLACK").id, quantity: 1 }],
            shipping_address: ADDRESS,
            billing_address: ADDRESS,
            shipping_methods: [{ shipping_option_id: seed.shippingOptions.rotterdam, name: "Standard", amount: 5 }],
          },
          { ...admin, validateStatus: () => true }
        )
        expect(draftRes.data).toHaveProperty("draft_order")
        const draft = draftRes.data
        const { data: converted } = await api.post(
          `/admin/draft-orders/${draft.draft_order.id}/convert-to-order`,
          {},
          admin
        )
        const orderId = converted.order.id
        const waiting = await waitForStage(orderId, ["awaiting_payment", "failed", "canceled"])
        expect(waiting.flow.stage).toBe("awaiting_payment")
        expect(waiting.flow.payment_deadline_at).toBeTruthy()
        expect(await reserved("MUG-BLACK")).toBe(before + 1)

        await enforceOrderFlowDeadlines(container, new Date(Date.now() + 5 * 60 * 1000))
        expect((await adminFlow(orderId)).flow.stage).toBe("awaiting_payment")

        const summary = await enforceOrderFlowDeadlines(container, new Date(Date.now() + 31 * 60 * 1000))
        expect(summary.payments_expired).toBe(1)
        const done = await waitForStage(orderId, ["canceled", "failed"])
        expect(done.flow.stage).toBe("canceled")
        expect(done.flow.failure_reason).toBe("payment deadline passed")
        expect((await orderDetails(orderId)).status).toBe("canceled")
        expect(await reserved("MUG-BLACK")).toBe(before)
      })
    })

    describe("API errors", () => {
      it("answers bad input and wrong callers with 4xx, never 5xx", async () => {
        const loose = { validateStatus: () => true }
        const customer = await registerCustomer(api, key(), "nosy@example.com")
        const other = await registerCustomer(api, key(), "owner@example.com")
        const order = await placeOrder([["MUG-BLACK", 1]], { token: other.token, email: "owner@example.com" })
        await waitForStage(order.id, ["fulfilled", "failed"])

        const cases: [string, string, any, any, number, RegExp?][] = [
          ["get", "/admin/risk-reviews", undefined, admin, 200],
          ["get", "/admin/risk-reviews", undefined, {}, 401],
          ["get", "/admin/risk-reviews", undefined, { headers: { authorization: `Bearer ${customer.token}` } }, 401],
          ["post", "/admin/risk-reviews/rrev_nope/approve", {}, {}, 401],
          ["get", "/admin/risk-reviews?status=maybe", undefined, admin, 400, /status/],
          ["get", "/admin/risk-reviews?order=age", undefined, admin, 400, /order/],
          ["get", "/admin/risk-reviews?limit=0", undefined, admin, 400, /limit/],
          ["get", "/admin/risk-reviews?colour=red", undefined, admin, 400, /colour/],
          ["get", "/admin/risk-reviews/rrev_nope", undefined, admin, 404, /^Risk review rrev_nope was not found$/],
          ["post", "/admin/risk-reviews/rrev_nope/approve", {}, admin, 404, /^Risk review rrev_nope was not found$/],
          ["post", "/admin/risk-reviews/rrev_nope/reject", { reason: "x" }, admin, 404, /^Risk review rrev_nope was not found$/],
          ["post", "/admin/risk-reviews/rrev_nope/reject", {}, admin, 400, /reason/],
          ["post", "/admin/risk-reviews/rrev_nope/reject", { reason: 42 }, admin, 400, /reason/],
          ["post", "/admin/risk-reviews/rrev_nope/approve", { note: 5 }, admin, 400, /note/],
          ["post", "/admin/risk-reviews/rrev_nope/approve", { approve: true }, admin, 400, /approve/],
          ["get", "/admin/orders/order_nope/omniflow", undefined, admin, 404, /^Order order_nope was not found$/],
          ["get", `/store/orders/${order.id}/omniflow`, undefined, storeHeaders(key()), 200],
          ["get", `/store/orders/${order.id}/omniflow`, undefined, storeHeaders(key(), customer.token), 404, new RegExp(`^Order ${order.id} was not found$`)],
          ["get", "/store/orders/order_nope/omniflow", undefined, storeHeaders(key(), other.token), 404, /^Order order_nope was not found$/],
        ]
        for (const [method, url, body, config, status, message] of cases) {
          const res =
            method === "get"
              ? await api.get(url, { ...config, ...loose })
              : await api.post(url, body, { ...config, ...loose })
          expect({ url, body, status: res.status }).toEqual({ url, body, status })
          if (message) {
            expect(res.data.message).toMatch(message)
          }
        }
        const mine = await api.get(`/store/orders/${order.id}/omniflow`, { ...storeHeaders(key(), other.token), ...loose })
        expect(mine.status).toBe(200)
      })
    })
  },
})
