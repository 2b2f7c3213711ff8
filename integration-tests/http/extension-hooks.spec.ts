import { medusaIntegrationTestRunner } from "../helpers/runner"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { MedusaContainer } from "@medusajs/framework/types"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
// What a shop gets from `require("medusa-plugin-omniflow/workflows")`.
import {
  OrderApprovedHookInput,
  orderFlowWorkflow,
  PlannedShipmentGroup,
  RiskAssessedHookResult,
  ShipmentGroup,
} from "../../src/workflows"
import { adminHeaders, completeCart, prepareCart } from "../helpers/storefront"
import { waitFor } from "../helpers/wait"
import { appEnv } from "../helpers/app-env"

jest.setTimeout(240 * 1000)

// Orders above 150 EUR are held; paid orders ship at once.
// Set before the runner loads medusa-config.ts, which it does before applying `env`.
const env = appEnv({
  OMNIFLOW_OPTIONS: JSON.stringify({
    riskReview: { holdAboveAmount: 150 },
    orderFlow: { shipAfterMinutes: 0 },
  }),
})

/**
 * The shop's hook handlers, registered the way a shop's `src/workflows/hooks/*.ts` does:
 * once, at module load. Those that change anything act only on orders whose email is one
 * of these, so every other order runs the plugin's own behaviour.
 */
const MARKED = {
  addRule: "add-rule@hooks.example",
  approve: "approve@hooks.example",
  regroup: "regroup@hooks.example",
}
const calls = {
  riskAssessed: [] as { order_id: string; email: string | null; decision: string; score: number }[],
  orderApproved: [] as OrderApprovedHookInput[],
  beforeShipment: [] as { order_id: string; groups: ShipmentGroup[] }[],
  orderCanceled: [] as { order_id: string; reason: string; customer_message: string }[],
}
// Filled in once the demo shop is seeded: the other warehouse, and the shipping option
// (carrier) that ships from each warehouse.
const warehouses = { other: new Map<string, string>(), optionAt: new Map<string, string>() }

orderFlowWorkflow.hooks.riskAssessed(async ({ order_id, order, assessment }) => {
  calls.riskAssessed.push({ order_id, email: order.email, decision: assessment.decision, score: assessment.score })
  if (order.email === MARKED.addRule) {
    return new StepResponse<RiskAssessedHookResult>({
      reasons: [{ rule: "shop_blocklist", points: 50, detail: "email is on the shop's blocklist" }],
    })
  }
  if (order.email === MARKED.approve) {
    return new StepResponse<RiskAssessedHookResult>({ decision: "approve", note: "known wholesale buyer" })
  }
})

orderFlowWorkflow.hooks.orderApproved(async (input) => {
  calls.orderApproved.push(input)
  return new StepResponse(undefined)
})

orderFlowWorkflow.hooks.beforeShipment(async ({ order_id, groups }, { container }) => {
  const { data } = await container
    .resolve(ContainerRegistrationKeys.QUERY)
    .graph({ entity: "order", fields: ["id", "email"], filters: { id: order_id } })
  if (data[0]?.email !== MARKED.regroup) {
    return
  }
  calls.beforeShipment.push({ order_id, groups })
  // Every line on its own parcel, from the other warehouse, with that warehouse's carrier.
  const regrouped: PlannedShipmentGroup[] = groups.flatMap((g) =>
    g.items.map((item) => {
      const from = warehouses.other.get(g.location_id!)!
      return { location_id: from, items: [item], shipping_option_id: warehouses.optionAt.get(from)! }
    })
  )
  return new StepResponse({ groups: regrouped })
})

orderFlowWorkflow.hooks.orderCanceled(async ({ order_id, reason, customer_message }) => {
  calls.orderCanceled.push({ order_id, reason, customer_message })
  return new StepResponse(undefined)
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
      const { berlin, rotterdam } = seed.stockLocations
      warehouses.other.set(berlin, rotterdam).set(rotterdam, berlin)
      warehouses.optionAt.set(berlin, seed.shippingOptions.berlin).set(rotterdam, seed.shippingOptions.rotterdam)
    })

    beforeEach(async () => {
      admin = await adminHeaders(api, seed.admin.email, seed.admin.password)
    })

    const key = () => seed.publishableKey

    async function placeOrder(lines: [string, number][], email?: string): Promise<any> {
      const items = lines.map(([sku, quantity]) => ({ variant_id: seed.variantsBySku[sku].id, quantity }))
      const cartId = await prepareCart(api, key(), { regionId: seed.regionId, email, items })
      const placed = await completeCart(api, key(), cartId)
      expect(placed.status).toBe(200)
      return placed.body.order
    }

    const adminFlow = async (orderId: string) => (await api.get(`/admin/orders/${orderId}/omniflow`, admin)).data.omniflow

    const waitForStage = (orderId: string, stages: string[]) =>
      waitFor(() => adminFlow(orderId), (f) => stages.includes(f.flow?.stage), {
        what: `order ${orderId} to reach ${stages.join("|")}`,
      })

    async function graphOrder(orderId: string, fields: string[]) {
      const { data } = await container
        .resolve(ContainerRegistrationKeys.QUERY)
        .graph({ entity: "order", fields: ["id", ...fields], filters: { id: orderId } })
      return data[0] as any
    }

    const callsFor = <T extends { order_id: string }>(list: T[], orderId: string) => list.filter((c) => c.order_id === orderId)

    describe("riskAssessed", () => {
      it("holds an order the rules would approve when the shop's handler adds a rule, and shows why", async () => {
        const control = await placeOrder([["MUG-WHITE", 1]], "plain-buyer@example.com")
        const order = await placeOrder([["MUG-WHITE", 1]], MARKED.addRule)

        // The same basket without the mark: approved by the plugin's own rules.
        const shipped = await waitForStage(control.id, ["fulfilled", "failed"])
        expect([shipped.flow.stage, shipped.flow.risk_score, shipped.risk_review]).toEqual(["fulfilled", 15, null])

        const held = await waitForStage(order.id, ["under_review", "approved", "fulfilled", "failed"])
        // The handler saw what the plugin decided on its own...
        expect(callsFor(calls.riskAssessed, order.id)).toEqual([
          { order_id: order.id, email: MARKED.addRule, decision: "approve", score: 15 },
        ])
        // ...and the merged assessment is what was stored and acted on.
        expect(held.flow.stage).toBe("under_review")
        expect(held.flow.risk_score).toBe(65)
        expect(held.flow.risk_decision).toBe("hold")
        expect(held.risk_review.status).toBe("pending")
        expect(held.risk_review.score).toBe(65)
        expect(held.risk_review.reasons).toEqual([
          expect.objectContaining({ rule: "first_order", points: 15 }),
          { rule: "shop_blocklist", points: 50, detail: "email is on the shop's blocklist" },
        ])
        const assessed = held.timeline.find((e: any) => e.stage === "risk_assessment")
        expect(assessed.title).toBe("Held for review")
        expect(assessed.summary).toContain("email is on the shop's blocklist (+50)")
        expect(assessed.detail.rules).toEqual({ score: 15, decision: "approve" })
        expect(callsFor(calls.orderApproved, order.id)).toEqual([])

        // Approved in review: the hook runs (via "review"), with the admin who approved.
        const { data: me } = await api.get("/admin/users/me", admin)
        await api.post(`/admin/risk-reviews/${held.risk_review.id}/approve`, {}, admin)
        const done = await waitForStage(order.id, ["fulfilled", "failed"])
        expect(done.flow.stage).toBe("fulfilled")
        expect(callsFor(calls.orderApproved, order.id)).toEqual([
          { order_id: order.id, via: "review", review_id: held.risk_review.id, approved_by: me.user.id },
        ])
        // The control order was approved at once, by the rules.
        expect(callsFor(calls.orderApproved, control.id)).toEqual([
          { order_id: control.id, via: "assessment", review_id: null, approved_by: "system:risk_rules" },
        ])
      })

      it("approves an order the score would hold when the shop's handler overrides the decision", async () => {
        // 2 × 79 EUR is above 150: held by the plugin's rules.
        const order = await placeOrder([["GRINDER-STEEL", 2]], MARKED.approve)
        const done = await waitForStage(order.id, ["under_review", "fulfilled", "failed", "canceled"])

        expect(callsFor(calls.riskAssessed, order.id)).toEqual([
          { order_id: order.id, email: MARKED.approve, decision: "hold", score: 75 },
        ])
        expect(done.flow.stage).toBe("fulfilled")
        expect(done.flow.risk_decision).toBe("approve")
        expect(done.flow.risk_score).toBe(75)
        expect(done.risk_review).toBeNull()
        const assessed = done.timeline.find((e: any) => e.stage === "risk_assessment")
        expect(assessed.status).toBe("approve")
        expect(assessed.detail.override).toEqual({ decision: "approve", score_decision: "hold", note: "known wholesale buyer" })
        expect(assessed.detail.rules).toEqual({ score: 75, decision: "hold" })
        expect(callsFor(calls.orderApproved, order.id)).toEqual([
          { order_id: order.id, via: "assessment", review_id: null, approved_by: "system:risk_extension" },
        ])
      })
    })

    describe("beforeShipment", () => {
      it("ships the groups and carriers the shop's handler returns instead of the planned ones", async () => {
        // Both stocked in Berlin and Rotterdam.
        const order = await placeOrder(
          [
            ["ESPRESSO-250G", 1],
            ["DECAF-250G", 2],
          ],
          MARKED.regroup
        )
        const done = await waitForStage(order.id, ["fulfilled", "failed"])
        expect([done.flow.stage, done.flow.failure_reason]).toEqual(["fulfilled", null])

        // The plan the handler received: each line where core reserved it.
        const [{ groups: planned }] = callsFor(calls.beforeShipment, order.id)
        const reservedAt = new Map<string, string>()
        for (const g of planned) for (const i of g.items) reservedAt.set(i.id, g.location_id!)
        expect([...reservedAt.keys()].sort()).toEqual(order.items.map((i: any) => i.id).sort())

        // What was shipped: one fulfilment per line, from the other warehouse, by its carrier.
        const details = await graphOrder(order.id, [
          "fulfillments.id",
          "fulfillments.location_id",
          "fulfillments.shipping_option_id",
          "fulfillments.canceled_at",
          "fulfillments.items.line_item_id",
          "fulfillments.items.quantity",
        ])
        const live = details.fulfillments.filter((f: any) => !f.canceled_at)
        const shipped = live
          .map((f: any) => ({
            lines: f.items.map((i: any) => [i.line_item_id, Number(i.quantity)]),
            location_id: f.location_id,
            shipping_option_id: f.shipping_option_id,
          }))
          .sort((a: any, b: any) => a.lines[0][0].localeCompare(b.lines[0][0]))
        const expected = order.items
          .map((i: any) => {
            const from = warehouses.other.get(reservedAt.get(i.id)!)!
            return { lines: [[i.id, i.quantity]], location_id: from, shipping_option_id: warehouses.optionAt.get(from) }
          })
          .sort((a: any, b: any) => a.lines[0][0].localeCompare(b.lines[0][0]))
        expect(shipped).toEqual(expected)
        expect(done.flow.shipments).toHaveLength(2)
        expect(done.timeline.find((e: any) => e.stage === "shipment" && e.status === "fulfilled").detail.regrouped).toBe(true)
      })
    })

    describe("orderCanceled", () => {
      it("receives the order id after a rejection in review", async () => {
        // 2 × 89 EUR: held.
        const order = await placeOrder([["KETTLE-EU", 2]], "rejected-buyer@example.com")
        const held = await waitForStage(order.id, ["under_review"])
        expect(callsFor(calls.orderCanceled, order.id)).toEqual([])

        await api.post(`/admin/risk-reviews/${held.risk_review.id}/reject`, { reason: "card testing pattern" }, admin)
        const done = await waitForStage(order.id, ["canceled", "failed"])
        expect(done.flow.stage).toBe("canceled")
        expect(callsFor(calls.orderCanceled, order.id)).toEqual([
          { order_id: order.id, reason: "card testing pattern", customer_message: expect.stringMatching(/could not accept your order/) },
        ])
        expect(callsFor(calls.orderApproved, order.id)).toEqual([])
      })
    })

    describe("module links", () => {
      it("lets Query read an order's flow and review in one query, with no link table", async () => {
        const heldOrder = await placeOrder([["KETTLE-EU", 2]], "held-buyer@example.com")
        const smallOrder = await placeOrder([["MUG-WHITE", 1]], "small-buyer@example.com")
        const held = await waitForStage(heldOrder.id, ["under_review"])
        const small = await waitForStage(smallOrder.id, ["fulfilled", "failed"])
        const query = container.resolve(ContainerRegistrationKeys.QUERY)

        const { data } = await query.graph({
          entity: "order",
          fields: ["id", "omniflow_flow.*", "omniflow_risk_review.*"],
          filters: { id: [heldOrder.id, smallOrder.id] },
        })
        const byId = new Map<string, any>(data.map((o: any) => [o.id, o]))
        expect(byId.get(heldOrder.id).omniflow_flow).toMatchObject({
          id: held.flow.id,
          order_id: heldOrder.id,
          stage: "under_review",
          risk_score: held.flow.risk_score,
        })
        expect(byId.get(heldOrder.id).omniflow_risk_review).toMatchObject({
          id: held.risk_review.id,
          order_id: heldOrder.id,
          status: "pending",
          score: held.risk_review.score,
        })
        expect(byId.get(smallOrder.id).omniflow_flow).toMatchObject({
          id: small.flow.id,
          order_id: smallOrder.id,
          stage: "fulfilled",
        })
        expect(byId.get(smallOrder.id).omniflow_risk_review ?? null).toBeNull()

        // In the other order, with a few fields, and the review on its own.
        const reversed = await graphOrder(heldOrder.id, ["omniflow_risk_review.status", "omniflow_flow.stage"])
        expect([reversed.omniflow_risk_review.status, reversed.omniflow_flow.stage]).toEqual(["pending", "under_review"])
        expect((await graphOrder(heldOrder.id, ["omniflow_risk_review.id"])).omniflow_risk_review.id).toBe(
          held.risk_review.id
        )

        // From a flow to its order.
        const { data: flows } = await query.graph({
          entity: "order_flow",
          fields: ["stage", "order.id", "order.email"],
          filters: { order_id: heldOrder.id },
        })
        expect(flows.map((f: any) => [f.stage, f.order.id, f.order.email])).toEqual([
          ["under_review", heldOrder.id, "held-buyer@example.com"],
        ])

        // Read-only links: matched on order_id, no table was created for them.
        const pg = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
        const tables = await pg.raw(
          `select table_name from information_schema.tables
            where table_schema = current_schema() and (table_name like '%order_flow%' or table_name like '%risk_review%')
            order by table_name`
        )
        expect(tables.rows.map((r: any) => r.table_name)).toEqual(["order_flow", "order_flow_event", "risk_review"])
      })
    })
  },
})
