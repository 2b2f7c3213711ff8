import { medusaIntegrationTestRunner } from "../helpers/runner"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { WorkflowManager, WorkflowScheduler } from "@medusajs/framework/orchestration"
import { createOrderWorkflow } from "@medusajs/medusa/core-flows"
import { MedusaContainer } from "@medusajs/framework/types"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../src/modules/risk-review"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../src/modules/inventory-dedup"
import { RECOMMENDATION_MODULE } from "../../src/modules/recommendation"
import RecommendationModuleService from "../../src/modules/recommendation/service"
import { adminHeaders, completeCart, prepareCart } from "../helpers/storefront"
import { stockFigures } from "../helpers/stock"
import { appEnv } from "../helpers/app-env"
import { waitFor } from "../helpers/wait"

/**
 * The scheduled jobs of src/jobs, each called the way Medusa's scheduler calls it (its
 * default export with the app container), and judged by what a shop would notice.
 *
 * Medusa schedules these jobs in this very process too (the in-memory workflow engine runs
 * them on their cron, recover-at-boot on its interval). Their timers are stopped once the
 * registrations have been read, so that whatever a test sees was done by its own call.
 */
jest.setTimeout(300 * 1000)

const MINUTE = 60 * 1000
const RECONCILE_EVERY = 7

// Orders above 150 EUR are held for review; a placed order without a flow is swept after
// one second; reconciliation every 7 minutes (not the default 10, so the job must read it);
// the nightly rebuild at 04:15 (not the default 03:00, for the same reason).
const env = appEnv({
  OMNIFLOW_OPTIONS: JSON.stringify({
    riskReview: { holdAboveAmount: 150 },
    orderFlow: { sweepAfterSeconds: 1 },
    inventoryDedup: { reconcileEveryMinutes: RECONCILE_EVERY },
    recommendation: { rebuildSchedule: "15 4 * * *" },
  }),
})

type JobModule = {
  default: (container: MedusaContainer) => Promise<void>
  config: { name: string; schedule: string | { interval: number; numberOfExecutions?: number }; numberOfExecutions?: number }
}

const JOBS = {
  deadlines: "enforce-order-flow-deadlines",
  sweep: "sweep-order-flows",
  reconcile: "reconcile-stock-claims",
  boot: "recover-at-boot",
  rebuild: "rebuild-recommendations",
} as const

/**
 * Loaded after Medusa booted, as Medusa's job loader does: a job's schedule may depend on
 * the loaded config (the rebuild's does).
 */
const loadJob = async (file: string): Promise<JobModule> => await import(`../../src/jobs/${file}`)

const realNow = Date.now.bind(Date)

/**
 * The clock moved on (for `Date.now` only, which is what the reconcile job reads) to 20 s
 * into the next minute that `fits`; the clock keeps running from there.
 */
function clockAtMinute(fits: (minute: number) => boolean) {
  const now = realNow()
  let minute = Math.floor(now / MINUTE) + 1
  while (!fits(minute)) minute++
  const offset = minute * MINUTE + 20_000 - now
  // The job reads the minute from Date.now; only that clock moves, timers keep real time.
  Date.now = () => realNow() + offset
  return { mockRestore: () => void (Date.now = realNow) }
}

medusaIntegrationTestRunner({
  inApp: true,
  env,
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    let container: MedusaContainer
    let jobs: Record<keyof typeof JOBS, JobModule>
    /** What Medusa's job loader registered for each job, read before the timers are stopped. */
    const registered = new Map<string, any>()

    beforeAll(async () => {
      container = getContainer()
      seed = await seedDemoData(container)
      jobs = Object.fromEntries(
        await Promise.all(Object.entries(JOBS).map(async ([k, file]) => [k, await loadJob(file)]))
      ) as typeof jobs
      const scheduler = new WorkflowScheduler()
      for (const job of Object.values(jobs)) {
        const workflow = WorkflowManager.getWorkflow(`job-${job.config.name}`)
        registered.set(job.config.name, workflow?.options?.schedule)
        if (workflow) {
          await scheduler.clearWorkflow(workflow)
        }
      }
    })

    afterEach(() => {
      jest.restoreAllMocks()
    })

    const flowService = () => container.resolve<RiskReviewModuleService>(RISK_REVIEW_MODULE)
    const dedup = () => container.resolve<InventoryDedupModuleService>(INVENTORY_DEDUP_MODULE)
    const recommendation = () => container.resolve<RecommendationModuleService>(RECOMMENDATION_MODULE)
    const variant = (sku: string) => seed.variantsBySku[sku]
    const reserved = async (sku: string) => (await stockFigures(container, variant(sku).inventoryItemId)).reserved
    const available = async (sku: string): Promise<number> =>
      (await dedup().previewAvailability([variant(sku).inventoryItemId], Object.values(seed.stockLocations))).get(
        variant(sku).inventoryItemId
      ) ?? NaN

    async function placeOrder(lines: [string, number][]): Promise<any> {
      const cartId = await prepareCart(api, seed.publishableKey, {
        regionId: seed.regionId,
        items: lines.map(([sku, quantity]) => ({ variant_id: variant(sku).id, quantity })),
      })
      const placed = await completeCart(api, seed.publishableKey, cartId)
      expect(placed.status).toBe(200)
      return placed.body.order
    }

    const adminFlow = async (orderId: string) => {
      const admin = await adminHeaders(api, seed.admin.email, seed.admin.password)
      return (await api.get(`/admin/orders/${orderId}/omniflow`, admin)).data.omniflow
    }
    const waitForStage = (orderId: string, stages: string[]) =>
      waitFor(
        () => adminFlow(orderId),
        (f) => stages.includes(f.flow?.stage),
        { what: `order ${orderId} to reach ${stages.join("|")}` }
      )

    async function orderState(orderId: string) {
      const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
        entity: "order",
        fields: ["id", "status", "payment_collections.payments.captured_at", "payment_collections.payments.canceled_at"],
        filters: { id: orderId },
      })
      const order = data[0] as any
      const payments = order.payment_collections.flatMap((pc: any) => pc.payments)
      return {
        status: order.status as string,
        captured: payments.length > 0 && payments.every((p: any) => !!p.captured_at),
        canceled: payments.length > 0 && payments.every((p: any) => !!p.canceled_at),
      }
    }

    describe("registration", () => {
      it("registers every job with Medusa's scheduler under its name and schedule", () => {
        expect(Object.fromEntries(Object.values(jobs).map((j) => [j.config.name, j.config.schedule]))).toEqual({
          "omniflow-enforce-order-flow-deadlines": "* * * * *",
          "omniflow-sweep-order-flows": "* * * * *",
          // Ticks every minute; the job itself runs every reconcileEveryMinutes.
          "omniflow-reconcile-stock-claims": "* * * * *",
          "omniflow-recover-at-boot": expect.objectContaining({ interval: 3000 }),
          // From the plugin options, not the default "0 3 * * *".
          "omniflow-rebuild-recommendations": "15 4 * * *",
        })
        for (const name of [
          "omniflow-enforce-order-flow-deadlines",
          "omniflow-sweep-order-flows",
          "omniflow-reconcile-stock-claims",
        ]) {
          expect({ name, schedule: registered.get(name) }).toEqual({ name, schedule: { cron: "* * * * *" } })
        }
        expect(registered.get("omniflow-rebuild-recommendations")).toEqual({ cron: "15 4 * * *" })
        expect(registered.get("omniflow-recover-at-boot")).toMatchObject({ interval: 3000 })
      })

      it("schedules recover-at-boot to run once, not every 3 seconds", () => {
        // What Medusa's scheduler was handed: without numberOfExecutions it repeats forever.
        expect(registered.get("omniflow-recover-at-boot")).toEqual({ interval: 3000, numberOfExecutions: 1 })
      })
    })

    describe("enforce-order-flow-deadlines", () => {
      it("decides an overdue review by the deadline policy: the order is cancelled and its stock comes back", async () => {
        const before = await reserved("GRINDER-STEEL")
        // 2 × 79 = 158 > 150: held for review.
        const order = await placeOrder([["GRINDER-STEEL", 2]])
        const held = await waitForStage(order.id, ["under_review"])
        expect(await reserved("GRINDER-STEEL")).toBe(before + 2)

        // Not due yet (48 h): a run leaves it to the admin.
        await jobs.deadlines.default(container)
        expect((await adminFlow(order.id)).risk_review.status).toBe("pending")

        // The deadline passes with nobody deciding.
        await flowService().updateRiskReviews({ id: held.risk_review.id, deadline_at: new Date(realNow() - MINUTE) })
        await jobs.deadlines.default(container)

        // The job decided the review and woke the flow's run, which cancels the order.
        const done = await waitForStage(order.id, ["canceled", "failed"])
        expect(done.risk_review).toMatchObject({ status: "rejected", decided_by: "system:deadline", reason: "review deadline passed" })
        expect(done.flow.stage).toBe("canceled")
        expect(await orderState(order.id)).toEqual({ status: "canceled", captured: false, canceled: true })
        expect(await reserved("GRINDER-STEEL")).toBe(before)
        const told = () =>
          container
            .resolve(Modules.NOTIFICATION)
            .listNotifications({ idempotency_key: `omniflow-order-canceled:${order.id}` } as any)
        expect((await told()).map((n: any) => [n.to, n.channel])).toEqual([[order.email, "email"]])

        // The next minute's run finds nothing left to do.
        await jobs.deadlines.default(container)
        expect((await adminFlow(order.id)).flow.stage).toBe("canceled")
        expect(await told()).toHaveLength(1)
      })
    })

    describe("sweep-order-flows", () => {
      it("starts the flow of an order whose order.placed never reached OmniFlow", async () => {
        // The process that placed the order died before OmniFlow's subscriber handled
        // order.placed: here the subscriber is detached while the order is placed.
        const eventBus = container.resolve(Modules.EVENT_BUS) as any
        const emitter = eventBus.eventEmitter_
        const subscriber = emitter
          .listeners("order.placed")
          .find((l: any) => l.subscriberId === "omniflow-order-flow-order-placed")
        expect(subscriber).toBeDefined()
        const counted = (await recommendation().getStats()).orders_counted
        let order: any
        emitter.off("order.placed", subscriber)
        try {
          order = await placeOrder([["MUG-BLACK", 1]])
          // order.placed was delivered: the recommendation subscriber counted the order.
          await waitFor(
            () => recommendation().getStats(),
            (s) => s.orders_counted === counted + 1,
            { what: "order.placed to be delivered" }
          )
        } finally {
          emitter.on("order.placed", subscriber)
        }
        expect(await flowService().listOrderFlows({ order_id: order.id })).toEqual([])
        expect((await orderState(order.id)).captured).toBe(false)

        // Older than sweepAfterSeconds (1 s).
        await new Promise((r) => setTimeout(r, 1500))
        await jobs.sweep.default(container)

        // Assessed, approved and paid, as if the event had arrived.
        const flow = await waitForStage(order.id, ["paid", "failed", "canceled"])
        expect(flow.flow).toMatchObject({ stage: "paid", risk_decision: "approve" })
        expect(flow.timeline.map((e: any) => `${e.stage}:${e.status}`)).toContain("assessing:started")
        expect((await orderState(order.id)).captured).toBe(true)
      })

      /**
       * A held order an admin approved, whose run was capturing when its process stopped:
       * the run waits for nothing, moved last `minutesAgo` ago, on process `owner` (null:
       * unknown). The ORM stamps updated_at on every update through the service, so the row
       * is written directly.
       */
      async function cutOffWhileCapturing(owner: number | null, minutesAgo: number) {
        const order = await placeOrder([["GRINDER-STEEL", 2]])
        const held = await waitForStage(order.id, ["under_review"])
        await flowService().decideReview({
          id: held.risk_review.id,
          status: "approved",
          decided_by: "user_crashed_admin",
          decision_source: "admin",
        })
        const movedAt = new Date(realNow() - minutesAgo * MINUTE)
        await container
          .resolve(ContainerRegistrationKeys.PG_CONNECTION)
          .raw(
            `UPDATE order_flow SET stage = 'capturing', updated_at = ?, waiting_for = NULL, wait_until = NULL, run_owner = ?
              WHERE id = ?`,
            [movedAt, owner, held.flow.id]
          )
        const [stuck] = await flowService().listOrderFlows({ order_id: order.id })
        expect([stuck.stage, new Date(stuck.updated_at).getTime()]).toEqual(["capturing", movedAt.getTime()])
        expect((await orderState(order.id)).captured).toBe(false)
        return order
      }

      it("resumes a flow a crash left in capturing after stuckAfterMinutes: the payment is captured", async () => {
        // Its process is unknown; it has not moved for 11 minutes. A younger one waits.
        const order = await cutOffWhileCapturing(null, 11)
        const young = await cutOffWhileCapturing(null, 1)

        await jobs.sweep.default(container)

        const flow = await waitForStage(order.id, ["paid", "failed", "canceled"])
        expect(flow.flow.stage).toBe("paid")
        expect(flow.timeline.map((e: any) => `${e.stage}:${e.status}`)).toContain("capturing:resumed")
        expect(await orderState(order.id)).toMatchObject({ status: "pending", captured: true })
        expect((await adminFlow(young.id)).flow.stage).toBe("capturing")
      })

      it("continues at once a flow whose run's process is gone, and leaves a live process's run alone", async () => {
        // Owner key 1: a lock nobody holds. The other is held by this live process.
        const dead = await cutOffWhileCapturing(1, 0)
        const owner = await container.resolve<any>(INVENTORY_DEDUP_MODULE).processOwnerKey()
        const live = await cutOffWhileCapturing(owner, 0)

        await jobs.sweep.default(container)

        expect((await waitForStage(dead.id, ["paid", "failed", "canceled"])).flow.stage).toBe("paid")
        expect((await adminFlow(live.id)).flow.stage).toBe("capturing")
      })
    })

    describe("reconcile-stock-claims", () => {
      it(`runs every ${RECONCILE_EVERY} minutes (the option), and then releases a claim whose owner process died`, async () => {
        const SKU = "GRINDER-STEEL"
        const cartId = await prepareCart(api, seed.publishableKey, {
          regionId: seed.regionId,
          items: [{ variant_id: variant(SKU).id, quantity: 1 }],
        })
        const free = await available(SKU)
        // This process claims the cart's stock, as a completion does when it starts...
        const { result } = await dedup().claimStock({
          key: `test:reconcile:${cartId}`,
          cart_id: cartId,
          location_ids: Object.values(seed.stockLocations),
          lines: [{ inventory_item_id: variant(SKU).inventoryItemId, quantity: 1, sku: SKU }],
          source: "admission",
        })
        const claim = await dedup().retrieveStockClaim(result.claim_id!)
        expect(claim.owner).toBeTruthy()
        // ...and dies: its database session, and the advisory lock that says it is alive, are gone.
        const pg = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
        const ownerLocks = `FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND objid::text::bigint = ?`
        const { rows: killed } = await pg.raw(`SELECT pg_terminate_backend(pid) AS killed ${ownerLocks}`, [claim.owner])
        expect(killed.map((r: any) => r.killed)).toEqual([true])
        await waitFor(
          () => pg.raw(`SELECT count(*)::int AS n ${ownerLocks}`, [claim.owner]).then((r: any) => r.rows[0].n),
          (n) => n === 0,
          { what: "the dead owner's lock to go" }
        )
        expect(await available(SKU)).toBe(free - 1)

        // A minute that is not a reconciliation minute (but would be with the default 10): nothing.
        let clock = clockAtMinute((m) => m % RECONCILE_EVERY !== 0 && m % 10 === 0)
        await jobs.reconcile.default(container)
        clock.mockRestore()
        expect((await dedup().retrieveStockClaim(claim.id)).status).toBe("held")
        expect(await available(SKU)).toBe(free - 1)

        // Its minute: the claim goes back, the unit is for sale again.
        clock = clockAtMinute((m) => m % RECONCILE_EVERY === 0 && m % 10 !== 0)
        await jobs.reconcile.default(container)
        clock.mockRestore()
        expect((await dedup().retrieveStockClaim(claim.id)).status).toBe("released")
        expect(await available(SKU)).toBe(free)

        // The buyer's retry places the order.
        const retried = await completeCart(api, seed.publishableKey, cartId)
        expect(retried.status).toBe(200)
        expect(retried.body.type).toBe("order")
      })
    })

    describe("recover-at-boot", () => {

      /** What a SIGKILL mid-checkout leaves: a claim nobody owns and the order core created, unlinked. */
      async function cutOffCheckout(sku: string) {
        const cartId = await prepareCart(api, seed.publishableKey, {
          regionId: seed.regionId,
          items: [{ variant_id: variant(sku).id, quantity: 1 }],
        })
        const [claim] = await dedup().createStockClaims([
          {
            key: `test:boot:${cartId}`,
            cart_id: cartId,
            sales_channel_id: seed.salesChannelId,
            status: "held",
            source: "admission",
            adopted_at: new Date(),
            owner: 424242,
            lines: [{ inventory_item_id: variant(sku).inventoryItemId, quantity: 1, sku }] as unknown as Record<string, unknown>,
          },
        ])
        const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
          entity: "cart",
          fields: ["email", "customer_id", "region_id", "sales_channel_id", "currency_code", "items.variant_id", "items.quantity"],
          filters: { id: cartId },
        })
        const cart = data[0] as any
        const { result: order } = await createOrderWorkflow(container).run({
          input: {
            email: cart.email,
            customer_id: cart.customer_id,
            region_id: cart.region_id,
            sales_channel_id: cart.sales_channel_id,
            currency_code: cart.currency_code,
            items: cart.items.map((i: any) => ({ variant_id: i.variant_id, quantity: i.quantity })),
          } as any,
        })
        return { cartId, claimId: claim.id, orderId: order.id as string }
      }

      const cartOrders = async (cartId: string) =>
        (
          await container
            .resolve(ContainerRegistrationKeys.QUERY)
            .graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
        ).data.map((l: any) => l.order_id)

      it("finishes a checkout the previous process left behind (the email channel is served: nothing to warn about)", async () => {
        const { cartId, claimId, orderId } = await cutOffCheckout("KETTLE-EU")
        expect(await cartOrders(cartId)).toEqual([])
        // What the boot job checks before it warns: the channel is served.
        expect(await flowService().notificationChannelServed("email")).toBe(true)

        await jobs.boot.default(container)

        const claim = await dedup().retrieveStockClaim(claimId)
        expect([claim.status, claim.order_id]).toEqual(["converted", orderId])
        expect(await cartOrders(cartId)).toEqual([orderId])
        const { reservations } = await stockFigures(container, variant("KETTLE-EU").inventoryItemId)
        expect(reservations.filter((r: any) => r.external_id === `order:${orderId}:recover-reserve`).map((r: any) => Number(r.quantity))).toEqual([1])
        // The recovered order is placed like any other: its flow starts, approves and captures.
        await waitForStage(orderId, ["paid"])
        expect((await orderState(orderId)).captured).toBe(true)
      })

      it("sees that no enabled provider serves the channel any more, and still recovers", async () => {
        // The shop took its email provider out of the config: at boot Medusa disables its row.
        const pg = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
        const { rows } = await pg.raw(
          `UPDATE notification_provider SET is_enabled = false WHERE 'email' = ANY(channels) RETURNING id`
        )
        expect(rows).toHaveLength(1)
        // What the boot job checks before it warns: nothing serves the channel any more.
        expect(await flowService().notificationChannelServed("email")).toBe(false)
        const { cartId, claimId, orderId } = await cutOffCheckout("KETTLE-EU")

        await jobs.boot.default(container)

        expect((await dedup().retrieveStockClaim(claimId)).status).toBe("converted")
        expect(await cartOrders(cartId)).toEqual([orderId])
      })
    })

    describe("rebuild-recommendations", () => {
      it("rebuilds the model from the orders on its schedule, and does nothing with rebuildSchedule: false", async () => {
        const espresso = variant("ESPRESSO-250G").productId
        const scale = variant("SCALE-BLACK").productId
        await placeOrder([
          ["ESPRESSO-250G", 1],
          ["MUG-WHITE", 1],
        ])
        await waitFor(() => recommendation().getStats(), (s) => s.orders_counted === 1, { what: "the order to be counted" })
        // The model drifted: it counts an order that does not exist.
        await recommendation().applyOrder({ order_id: "order_never_placed", product_ids: [espresso, scale] })
        const drifted = await recommendation().getStats()
        expect([drifted.orders_counted, drifted.pairs, drifted.last_rebuild_at]).toEqual([2, 2, null])

        // A shop that switched the nightly rebuild off.
        // Options are fixed per boot: the service's copy is swapped for this one run.
        const service = recommendation() as unknown as { options_: Record<string, unknown> }
        const options = service.options_
        service.options_ = { ...options, rebuildSchedule: false }
        await jobs.rebuild.default(container)
        service.options_ = options
        const untouched = await recommendation().getStats()
        expect([untouched.orders_counted, untouched.pairs, untouched.last_rebuild_at]).toEqual([2, 2, null])

        // On its schedule: rebuilt from the orders that exist.
        await jobs.rebuild.default(container)
        const rebuilt = await recommendation().getStats()
        expect([rebuilt.orders_counted, rebuilt.pairs]).toEqual([1, 1])
        expect(rebuilt.last_rebuild_at).not.toBeNull()
        const [entry] = await recommendation().getNeighbours([espresso])
        expect(entry.neighbours.map((n) => n.product_id)).toEqual([variant("MUG-WHITE").productId])
      })
    })
  },
})
