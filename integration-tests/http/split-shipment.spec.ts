import { medusaIntegrationTestRunner } from "../helpers/runner"
import { Modules } from "@medusajs/framework/utils"
import { MedusaContainer } from "@medusajs/framework/types"
import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { resumeOrderFlow } from "../../src/workflows/order-flow"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../src/modules/risk-review"
import { createSplitFulfillmentsStep } from "../../src/workflows/order-flow/steps/create-split-fulfillments"
import { adminHeaders, completeCart, prepareCart } from "../helpers/storefront"
import { adminOrder, createFailingShippingOption, prepareCartWithOption, rowsAtCurrentVersion } from "../helpers/shipping"
import { stockFigures } from "../helpers/stock"
import { appEnv } from "../helpers/app-env"
import { waitFor } from "../helpers/wait"

jest.setTimeout(240 * 1000)

// Paid orders wait an hour before they ship, so each test decides when (and how many at
// once) they ship. The test fulfilment provider is registered for the failure cases.
// Both are read when the runner loads medusa-config.ts, before it applies `env`.
const env = appEnv({
  OMNIFLOW_OPTIONS: JSON.stringify({ orderFlow: { shipAfterMinutes: 60 } }),
  OMNIFLOW_TEST_PROVIDERS: "true",
})

const ORDERS = 20

/** A re-execution of the step on its own, as a retried or resumed workflow would run it. */
const rerunSplitFulfillments = createWorkflow("omniflow-test-rerun-split-fulfillments", (input: { order_id: string }) => {
  return new WorkflowResponse(createSplitFulfillmentsStep(input))
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

    /**
     * Ends the paid order's shipping window now, as the deadline job does when it has
     * passed: wakes the run waiting in it, and returns the stage the run took the flow to.
     */
    async function shipNow(orderId: string): Promise<string> {
      const flows = container.resolve<RiskReviewModuleService>(RISK_REVIEW_MODULE)
      const flowOf = async () => (await flows.listOrderFlows({ order_id: orderId }))[0]
      await waitFor(flowOf, (f) => f?.waiting_for === "shipping_window", { what: `order ${orderId} to wait for its shipping window` })
      expect(await resumeOrderFlow(container, orderId, "shipping_window")).toBe(true)
      const done = await waitFor(flowOf, (f) => ["fulfilled", "failed"].includes(f.stage), { what: `order ${orderId} to ship` })
      return done.stage
    }

    const key = () => seed.publishableKey
    const variant = (sku: string) => seed.variantsBySku[sku]
    const berlin = () => seed.stockLocations.berlin
    const rotterdam = () => seed.stockLocations.rotterdam

    async function placeOrder(lines: [string, number][], optionId?: string): Promise<any> {
      const items = lines.map(([sku, quantity]) => ({ variant_id: variant(sku).id, quantity }))
      const cartId = optionId
        ? await prepareCartWithOption(api, key(), { regionId: seed.regionId, items, optionId })
        : await prepareCart(api, key(), { regionId: seed.regionId, items })
      const placed = await completeCart(api, key(), cartId)
      expect(placed.status).toBe(200)
      return placed.body.order
    }

    const adminFlow = async (orderId: string) =>
      (await api.get(`/admin/orders/${orderId}/omniflow`, admin)).data.omniflow

    const waitForStage = (orderId: string, stages: string[], timeoutMs = 60000) =>
      waitFor(
        () => adminFlow(orderId),
        (f) => stages.includes(f.flow?.stage),
        { what: `order ${orderId} to reach ${stages.join("|")}`, timeoutMs }
      )

    const stock = async (sku: string) => {
      const f = await stockFigures(container, variant(sku).inventoryItemId)
      return { stocked: f.stocked, reserved: f.reserved }
    }
    const liveFulfillments = (order: any) => order.fulfillments.filter((f: any) => !f.canceled_at)
    const fulfilledQuantities = (order: any) =>
      Object.fromEntries(order.items.map((i: any) => [i.variant_sku, Number(i.detail.fulfilled_quantity)]))
    const orderedQuantities = (order: any) =>
      Object.fromEntries(order.items.map((i: any) => [i.variant_sku, Number(i.quantity)]))

    it(`ships ${ORDERS} split orders at once: each keeps its lines, total and shipping method, and gets one fulfilment per warehouse`, async () => {
      // FILTER-250G and FROTHER-SILVER are stocked only in Berlin, MUG-BLACK and FILTER-1KG
      // only in Rotterdam: every order splits in two.
      const lines: [string, number][] = [
        ["FILTER-250G", 2],
        ["FROTHER-SILVER", 1],
        ["MUG-BLACK", 1],
        ["FILTER-1KG", 1],
      ]
      const skus = lines.map(([sku]) => sku)
      const stockBefore = Object.fromEntries(await Promise.all(skus.map(async (s) => [s, await stock(s)] as const)))

      const placedAt = Date.now()
      // All storefronts at once; the checkout queue lets four complete at a time.
      const orders: any[] = await Promise.all(Array.from({ length: ORDERS }, () => placeOrder(lines)))
      for (const order of orders) {
        const flow = await waitForStage(order.id, ["paid", "failed", "canceled", "under_review"])
        expect([order.id, flow.flow.stage]).toEqual([order.id, "paid"])
      }
      const placedMs = Date.now() - placedAt

      const before = new Map<string, { rows: Awaited<ReturnType<typeof rowsAtCurrentVersion>>; total: number }>()
      for (const order of orders) {
        const rows = await rowsAtCurrentVersion(container, order.id)
        const core = await adminOrder(api, admin, order.id)
        expect([order.id, rows.items, rows.shipping_methods, rows.summaries]).toEqual([order.id, 4, 1, 1])
        expect([order.id, core.fulfillment_status]).toEqual([order.id, "not_fulfilled"])
        before.set(order.id, { rows, total: Number(core.total) })
      }

      // Every order's shipment starts at the same moment, as the job would start them.
      const shipAt = Date.now()
      const stages = await Promise.all(orders.map((o) => shipNow(o.id)))
      const shipMs = Date.now() - shipAt
      expect(stages).toEqual(orders.map(() => "fulfilled"))

      const windows: [number, number][] = []
      for (const order of orders) {
        const flow = await adminFlow(order.id)
        expect([order.id, flow.flow.stage, flow.flow.failure_reason]).toEqual([order.id, "fulfilled", null])

        // Core's rows at the current version: each line once, one shipping method, one
        // summary; two order changes (one per fulfilment) on top of the version before.
        const rows = await rowsAtCurrentVersion(container, order.id)
        expect({ order: order.id, ...rows }).toEqual({
          order: order.id,
          version: before.get(order.id)!.rows.version + 2,
          items: 4,
          shipping_methods: 1,
          summaries: 1,
        })

        const core = await adminOrder(api, admin, order.id)
        expect([order.id, core.fulfillment_status]).toEqual([order.id, "fulfilled"])
        expect([order.id, Number(core.total)]).toEqual([order.id, before.get(order.id)!.total])
        expect(core.items).toHaveLength(4)
        expect(core.shipping_methods).toHaveLength(1)
        expect(fulfilledQuantities(core)).toEqual(orderedQuantities(core))

        const live = liveFulfillments(core)
        expect(live.map((f: any) => f.location_id).sort()).toEqual([berlin(), rotterdam()].sort())
        // Each warehouse ships its own lines, each in full.
        const skuOf = new Map(core.items.map((i: any) => [i.id, i.variant_sku]))
        const shipped = Object.fromEntries(
          live.map((f: any) => [
            f.location_id === berlin() ? "berlin" : "rotterdam",
            f.items.map((i: any) => `${skuOf.get(i.line_item_id)}×${Number(i.quantity)}`).sort(),
          ])
        )
        expect(shipped).toEqual({
          berlin: ["FILTER-250G×2", "FROTHER-SILVER×1"],
          rotterdam: ["FILTER-1KG×1", "MUG-BLACK×1"],
        })
        expect(flow.flow.shipments).toHaveLength(2)
        const created = live.map((f: any) => Date.parse(f.created_at)).sort((a: number, b: number) => a - b)
        windows.push([created[0], created[1]])
      }
      // One order's fulfilments are serialised, but different orders ship side by side: their
      // shipment windows overlap (one lock for all orders would line them up end to end).
      const overlapping = windows.filter(([a1, a2], i) => windows.some(([b1, b2], j) => j !== i && a1 < b2 && b1 < a2))
      expect(overlapping.length).toBeGreaterThan(1)

      // Stock left each warehouse once per unit shipped; no reservation is left behind.
      for (const [sku, quantity] of lines) {
        expect({ sku, ...(await stock(sku)) }).toEqual({
          sku,
          stocked: stockBefore[sku].stocked - ORDERS * quantity,
          reserved: stockBefore[sku].reserved,
        })
      }
      // eslint-disable-next-line no-console
      console.log(`[split-shipment] ${ORDERS} orders placed in ${placedMs} ms, shipped concurrently in ${shipMs} ms`)
    })

    it("cancels what one warehouse shipped when the other's carrier fails, fails the flow naming it, and restores stock", async () => {
      // The step ships locations in id order; the carrier fails at the second one, so the
      // first one's fulfilment exists and must be cancelled.
      const [first, second] = [berlin(), rotterdam()].sort()
      const secondName = second === berlin() ? "Berlin Warehouse" : "Rotterdam Warehouse"
      const optionId = await createFailingShippingOption(container, seed, {
        serviceZoneOf: rotterdam(),
        failAt: [second],
        message: `${secondName} carrier is down`,
      })
      const lines: [string, number][] = [
        ["FILTER-250G", 1],
        ["MUG-BLACK", 1],
      ]
      const stockBefore = { filter: await stock("FILTER-250G"), mug: await stock("MUG-BLACK") }

      const order = await placeOrder(lines, optionId)
      expect((await waitForStage(order.id, ["paid", "failed", "canceled"])).flow.stage).toBe("paid")
      const rowsBefore = await rowsAtCurrentVersion(container, order.id)
      const totalBefore = Number((await adminOrder(api, admin, order.id)).total)
      const reservationsBefore = await container
        .resolve(Modules.INVENTORY)
        .listReservationItems({ line_item_id: order.items.map((i: any) => i.id) })

      expect(await shipNow(order.id)).toBe("failed")

      const flow = await adminFlow(order.id)
      expect(flow.flow.stage).toBe("failed")
      expect(flow.flow.failure_reason).toContain(`Split shipment failed at ${secondName} (${second}): ${secondName} carrier is down`)
      expect(flow.flow.failure_reason).toContain("1 fulfilment(s) already created were cancelled")
      expect(flow.timeline.map((e: any) => `${e.stage}:${e.status}`)).toEqual(
        expect.arrayContaining(["shipment:started", "shipment:failed"])
      )
      expect(flow.timeline.map((e: any) => e.status)).not.toContain("fulfilled")

      // The first warehouse's fulfilment was created by the provider, then cancelled; the
      // second one never came to exist.
      const core = await adminOrder(api, admin, order.id)
      expect(core.fulfillments.map((f: any) => [f.location_id, !!f.canceled_at])).toEqual([[first, true]])
      expect(core.fulfillment_status).toBe("canceled")
      expect(fulfilledQuantities(core)).toEqual({ "FILTER-250G": 0, "MUG-BLACK": 0 })
      expect(Number(core.total)).toBe(totalBefore)
      // One change to fulfil, one to cancel; lines, shipping method and summary once each.
      expect(await rowsAtCurrentVersion(container, order.id)).toEqual({
        ...rowsBefore,
        version: rowsBefore.version + 2,
      })

      // Stock as right after the order was placed: nothing left a shelf, both units reserved
      // again at the warehouse that holds them.
      expect(await stock("FILTER-250G")).toEqual({ ...stockBefore.filter, reserved: stockBefore.filter.reserved + 1 })
      expect(await stock("MUG-BLACK")).toEqual({ ...stockBefore.mug, reserved: stockBefore.mug.reserved + 1 })
      const reservations = await container
        .resolve(Modules.INVENTORY)
        .listReservationItems({ line_item_id: order.items.map((i: any) => i.id) })
      const byLine = (rs: any[]) =>
        rs.map((r) => [r.line_item_id, r.location_id, Number(r.quantity)]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))
      expect(byLine(reservations)).toEqual(byLine(reservationsBefore))
    })

    it("ships only what is still unfulfilled (part shipped by hand), and a second run ships nothing", async () => {
      const order = await placeOrder([
        ["FILTER-250G", 2],
        ["FROTHER-SILVER", 1],
        ["MUG-BLACK", 1],
      ])
      expect((await waitForStage(order.id, ["paid", "failed", "canceled"])).flow.stage).toBe("paid")
      const lineOf = (sku: string) => order.items.find((i: any) => i.variant_id === variant(sku).id).id
      const stockBefore = await stock("FILTER-250G")

      // What a run that died after its first location leaves behind — here, part of it:
      // one of the two FILTER-250G and the frother shipped from Berlin.
      await api.post(
        `/admin/orders/${order.id}/fulfillments`,
        {
          location_id: berlin(),
          items: [
            { id: lineOf("FILTER-250G"), quantity: 1 },
            { id: lineOf("FROTHER-SILVER"), quantity: 1 },
          ],
        },
        admin
      )
      const manualIds = new Set((await adminOrder(api, admin, order.id)).fulfillments.map((f: any) => f.id))
      expect(manualIds.size).toBe(1)
      // …and the warehouse already handed it to the carrier.
      await api.post(
        `/admin/orders/${order.id}/fulfillments/${[...manualIds][0]}/shipments`,
        {
          items: [
            { id: lineOf("FILTER-250G"), quantity: 1 },
            { id: lineOf("FROTHER-SILVER"), quantity: 1 },
          ],
        },
        admin
      )

      expect(await shipNow(order.id)).toBe("fulfilled")
      const core = await adminOrder(api, admin, order.id)
      // Everything fulfilled; core says "partially_shipped" because one part is on its way.
      expect(core.fulfillment_status).toBe("partially_shipped")
      expect(fulfilledQuantities(core)).toEqual(orderedQuantities(core))
      const live = liveFulfillments(core)
      expect(live).toHaveLength(3)
      const created = live
        .filter((f: any) => !manualIds.has(f.id))
        .map((f: any) => ({
          location_id: f.location_id,
          items: f.items.map((i: any) => [i.line_item_id, Number(i.quantity)]).sort(),
        }))
        .sort((a: any, b: any) => a.location_id.localeCompare(b.location_id))
      // Berlin ships the remaining FILTER-250G only (the frother is done); Rotterdam the mug.
      expect(created).toEqual(
        [
          { location_id: berlin(), items: [[lineOf("FILTER-250G"), 1]] },
          { location_id: rotterdam(), items: [[lineOf("MUG-BLACK"), 1]] },
        ].sort((a, b) => a.location_id.localeCompare(b.location_id))
      )
      // Two units of FILTER-250G left the shelf in all, not three.
      expect(await stock("FILTER-250G")).toEqual({ stocked: stockBefore.stocked - 2, reserved: stockBefore.reserved - 2 })
      const flow = await adminFlow(order.id)
      expect(flow.flow.stage).toBe("fulfilled")
      expect(flow.flow.shipments.map((s: any) => s.fulfillment_id).sort()).toEqual(live.map((f: any) => f.id).sort())

      // The step again, as a retried or resumed workflow would run it: nothing left to ship.
      const rowsBefore = await rowsAtCurrentVersion(container, order.id)
      const { result } = await rerunSplitFulfillments(container).run({ input: { order_id: order.id } })
      expect(result.fulfillment_status).toBe("partially_shipped")
      expect(result.shipments.map((s) => s.fulfillment_id).sort()).toEqual(live.map((f: any) => f.id).sort())
      const again = await adminOrder(api, admin, order.id)
      expect(again.fulfillments.map((f: any) => f.id).sort()).toEqual(core.fulfillments.map((f: any) => f.id).sort())
      expect(await rowsAtCurrentVersion(container, order.id)).toEqual(rowsBefore)
      expect(await stock("FILTER-250G")).toEqual({ stocked: stockBefore.stocked - 2, reserved: stockBefore.reserved - 2 })
    })
  },
})
