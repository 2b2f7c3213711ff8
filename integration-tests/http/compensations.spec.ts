import { medusaIntegrationTestRunner } from "../helpers/runner"
import { ContainerRegistrationKeys, MedusaError, Modules, TransactionState } from "@medusajs/framework/utils"
import { MedusaContainer } from "@medusajs/framework/types"
import {
  createStep,
  createWorkflow,
  StepResponse,
  transform,
  WorkflowData,
  WorkflowResponse,
} from "@medusajs/framework/workflows-sdk"
import { completeCartWorkflow } from "@medusajs/medusa/core-flows"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../src/modules/risk-review"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../src/modules/inventory-dedup"
import { RECOMMENDATION_MODULE, RecommendationModuleService } from "../../src/modules/recommendation"
import {
  continueOrderFlow,
  decideRiskReviewWorkflow,
  resumeOrderFlow,
  startOrderFlow,
} from "../../src/workflows/order-flow"
import { createOrderFlowStep } from "../../src/workflows/order-flow/steps/create-order-flow"
import { assessOrderRiskStep } from "../../src/workflows/order-flow/steps/assess-order-risk"
import { createRiskReviewStep } from "../../src/workflows/order-flow/steps/create-risk-review"
import { decideRiskReviewStep } from "../../src/workflows/order-flow/steps/decide-risk-review"
import {
  moveOrderFlowStageStep,
  MoveOrderFlowStageInput,
} from "../../src/workflows/order-flow/steps/move-order-flow-stage"
import { captureOrderPaymentsStep } from "../../src/workflows/order-flow/steps/capture-order-payments"
import { createSplitFulfillmentsStep } from "../../src/workflows/order-flow/steps/create-split-fulfillments"
import { reserveStockOnceStep, ReserveStockOnceInput } from "../../src/workflows/inventory-dedup/steps/reserve-stock-once"
import { linkRecoveredOrderStep } from "../../src/workflows/inventory-dedup/steps/link-recovered-order"
import { claimCartStockStep } from "../../src/workflows/checkout-guard/steps/claim-cart-stock"
import type { CompleteCartHooks } from "../../src/workflows/checkout-guard/complete-cart-hooks"
import { getOrderProductsStep } from "../../src/workflows/recommendation/steps/get-order-products"
import { recordOrderCopurchasesStep } from "../../src/workflows/recommendation/steps/record-order-copurchases"
import { removeOrderCopurchasesStep } from "../../src/workflows/recommendation/steps/remove-order-copurchases"
import { DecideReviewInput } from "../../src/modules/risk-review"
import { completeCart, prepareCart } from "../helpers/storefront"
import { rowsAtCurrentVersion } from "../helpers/shipping"
import { stockFigures } from "../helpers/stock"
import { waitFor } from "../helpers/wait"
import { appEnv } from "../helpers/app-env"

/**
 * Every OmniFlow step with a compensation, run for real and then undone: each test runs
 * the step under test in a small workflow of its own, followed by a step that reads what
 * the step did (`test-observe-*`, proving the effect existed) and a step that always
 * throws (`test-fail-*`). The assertions read the database and Medusa's modules after the
 * run: the compensation's effect, and that the run ended `reverted` (every compensation
 * succeeded) with the injected error as its only error. Orders, payments, reservations
 * and fulfilments are real: placed through the store API on the demo shop.
 *
 * The order flow is switched off (`orderFlow.enabled: false`), so `order.placed` leaves
 * every order as checkout made it (payment authorised, stock reserved, nothing captured
 * or shipped) and each test drives exactly the steps it means to. The runner restores
 * the database (seeded once in beforeAll) before every test.
 */
jest.setTimeout(240 * 1000)


const LATER_STEP_FAILED = "later step failed"

// Orders above 150 EUR are held for review; `order.placed` starts no flow. (The deadline
// job still runs every minute; no test leaves a flow where it would act for long.)
// Set before the runner loads medusa-config.ts, which it does before applying `env`.
const env = appEnv({
  OMNIFLOW_OPTIONS: JSON.stringify({
    riskReview: { holdAboveAmount: 150 },
    orderFlow: { enabled: false },
  }),
})

// ---------------------------------------------------------------------------------------
// Test workflows: <step under test> → observe → fail.
// ---------------------------------------------------------------------------------------

/** What each test wants read between the step under test and the failure, by workflow name. */
const probes = new Map<string, (container: MedusaContainer) => Promise<unknown>>()
/** What the observe step read, by workflow name. */
const observed = new Map<string, any>()

/**
 * A workflow `test-compensate-<name>` that runs `underTest`, then `test-observe-<name>`
 * (runs the probe the test registered under `name`), then `test-fail-<name>`, which
 * always throws, so every compensation of `underTest` runs.
 */
function compensationWorkflow<TInput>(name: string, underTest: (input: WorkflowData<TInput>) => unknown) {
  const observe = createStep(`test-observe-${name}`, async (_: void, { container }) => {
    const probe = probes.get(name)
    observed.set(name, probe ? await probe(container) : undefined)
    return new StepResponse(undefined)
  })
  const fail = createStep(`test-fail-${name}`, async (_: void): Promise<StepResponse<undefined>> => {
    throw new Error(LATER_STEP_FAILED)
  })
  return createWorkflow(`test-compensate-${name}`, (input: WorkflowData<TInput>) => {
    underTest(input)
    observe()
    fail()
    return new WorkflowResponse(undefined)
  })
}

const compensateCreateOrderFlow = compensationWorkflow<{ order_id: string }>("create-order-flow", (input) =>
  createOrderFlowStep({ order_id: input.order_id })
)

const compensateCreateRiskReview = compensationWorkflow<{ order_id: string }>("create-risk-review", (input) => {
  const assessed = assessOrderRiskStep({ order_id: input.order_id })
  return createRiskReviewStep(
    transform({ assessed }, ({ assessed }) => ({ assessment: assessed.assessment, summary: assessed.summary }))
  )
})

const compensateDecideRiskReview = compensationWorkflow<DecideReviewInput>("decide-risk-review", (input) =>
  decideRiskReviewStep(input)
)

const compensateMoveOrderFlowStage = compensationWorkflow<MoveOrderFlowStageInput>("move-order-flow-stage", (input) =>
  moveOrderFlowStageStep(input)
)

const compensateCaptureOrderPayments = compensationWorkflow<{ payment_ids: string[] }>("capture-order-payments", (input) =>
  captureOrderPaymentsStep({ payment_ids: input.payment_ids })
)

/** The capture as capture-order-payment runs it: claim `capturing`, then capture. */
const compensateClaimedCapture = compensationWorkflow<{ order_id: string; payment_ids: string[] }>(
  "claimed-capture",
  (input) => {
    moveOrderFlowStageStep({
      order_id: input.order_id,
      from: ["approved"],
      to: "capturing",
      event: { stage: "payment", status: "capturing" },
    })
    return captureOrderPaymentsStep({ payment_ids: input.payment_ids })
  }
)

const compensateCreateSplitFulfillments = compensationWorkflow<{ order_id: string }>("create-split-fulfillments", (input) =>
  createSplitFulfillmentsStep({ order_id: input.order_id })
)
/** The same step without the failure: ships the order for real. */
const shipOrderForReal = createWorkflow("test-ship-split-fulfillments", (input: { order_id: string }) => {
  return new WorkflowResponse(createSplitFulfillmentsStep({ order_id: input.order_id }))
})

const compensateReserveStockOnce = compensationWorkflow<ReserveStockOnceInput>("reserve-stock-once", (input) =>
  reserveStockOnceStep(input)
)
/** The same step without the failure: a retry of the run that was compensated. */
const reserveStockOnceForReal = createWorkflow("test-reserve-stock-once", (input: ReserveStockOnceInput) => {
  return new WorkflowResponse(reserveStockOnceStep(input))
})

const compensateLinkRecoveredOrder = compensationWorkflow<{ order_id: string; cart_id: string }>(
  "link-recovered-order",
  (input) => linkRecoveredOrderStep({ order_id: input.order_id, cart_id: input.cart_id })
)

const compensateClaimCartStock = compensationWorkflow<{ cart_id: string }>("claim-cart-stock", (input) =>
  claimCartStockStep({ cart_id: input.cart_id })
)

/** Core's completion nested in a shop's own workflow, as `runAsStep` is meant for. */
const compensateCompleteCart = compensationWorkflow<{ cart_id: string }>("complete-cart", (input) =>
  completeCartWorkflow.runAsStep({ input: { id: input.cart_id } })
)

const compensateRecordOrderCopurchases = compensationWorkflow<{ order_id: string }>(
  "record-order-copurchases",
  (input) => {
    const order = getOrderProductsStep({ order_id: input.order_id })
    return recordOrderCopurchasesStep(
      transform({ order }, ({ order }) => ({
        order_id: order.order_id,
        product_ids: order.product_ids,
        placed_at: order.placed_at,
      }))
    )
  }
)

const compensateRemoveOrderCopurchases = compensationWorkflow<{ order_id: string }>(
  "remove-order-copurchases",
  (input) => removeOrderCopurchasesStep({ order_id: input.order_id })
)

// A later step of core's own completion that fails: the shop's `beforePaymentAuthorization`
// hook (nobody else in this app registers it), failing only for the carts a test names. It
// runs after the claim, the order, its link and its reservations exist, and records what it
// saw before it throws.
const failAuthorizationFor = new Map<string, (container: MedusaContainer) => Promise<unknown>>()
;(completeCartWorkflow.hooks as CompleteCartHooks).beforePaymentAuthorization(async ({ input }, { container }) => {
  const probe = failAuthorizationFor.get(input.id)
  if (probe) {
    observed.set(`before-payment-authorization:${input.id}`, await probe(container))
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, LATER_STEP_FAILED)
  }
  return new StepResponse(undefined)
})

/** Runs a test workflow and checks it failed at the injected step and was fully undone. */
async function runAndExpectReverted(
  workflow: { (container: MedusaContainer): { run: (args: any) => Promise<any> } },
  container: MedusaContainer,
  input: unknown
) {
  const { errors, transaction } = await workflow(container).run({ input, throwOnError: false })
  expect((errors ?? []).map((e: any) => `${e.action}: ${e.error?.message}`)).toEqual([
    expect.stringMatching(new RegExp(`^test-fail-.*: ${LATER_STEP_FAILED}$`)),
  ])
  expect(transaction.getState()).toBe(TransactionState.REVERTED)
}

// ---------------------------------------------------------------------------------------

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

    beforeEach(() => {
      probes.clear()
      observed.clear()
      failAuthorizationFor.clear()
    })

    const key = () => seed.publishableKey
    const variant = (sku: string) => seed.variantsBySku[sku]
    const flows = () => container.resolve<RiskReviewModuleService>(RISK_REVIEW_MODULE)
    const dedup = () => container.resolve<InventoryDedupModuleService>(INVENTORY_DEDUP_MODULE)
    const sql = async (text: string, bindings: any[] = []) =>
      (await container.resolve(ContainerRegistrationKeys.PG_CONNECTION).raw(text, bindings)).rows as any[]

    async function cartWith(lines: [string, number][]): Promise<string> {
      const items = lines.map(([sku, quantity]) => ({ variant_id: variant(sku).id, quantity }))
      return await prepareCart(api, key(), { regionId: seed.regionId, items })
    }

    /**
     * `order.placed` is handled after the response (the co-purchase model records the
     * order): waiting for it keeps its writes out of the assertions, and out of the next
     * test's database restore.
     */
    const orderPlacedHandled = (orderId: string) =>
      waitFor(
        () => sql(`SELECT 1 FROM recommendation_order WHERE order_id = ? AND deleted_at IS NULL`, [orderId]),
        (rows) => rows.length === 1,
        { what: `order.placed of ${orderId} to be handled` }
      )

    /** Places an order through the store API; resolves with the order and its cart id. */
    async function placeOrder(lines: [string, number][]): Promise<{ order: any; cartId: string }> {
      const cartId = await cartWith(lines)
      const placed = await completeCart(api, key(), cartId)
      expect(placed.status).toBe(200)
      expect(placed.body.type).toBe("order")
      await orderPlacedHandled(placed.body.order.id)
      return { order: placed.body.order, cartId }
    }

    async function orderPayments(orderId: string) {
      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      const { data } = await query.graph({
        entity: "order",
        fields: [
          "id",
          "transactions.amount",
          "transactions.reference",
          "payment_collections.payments.id",
          "payment_collections.payments.amount",
          "payment_collections.payments.captured_at",
          "payment_collections.payments.canceled_at",
          "payment_collections.payments.captures.amount",
          "payment_collections.payments.refunds.amount",
        ],
        filters: { id: orderId },
      })
      const order = data[0] as any
      const sum = (rows: any[] | undefined) => (rows ?? []).reduce((s, r) => s + Number(r.amount), 0)
      return {
        payments: order.payment_collections.flatMap((pc: any) => pc.payments).map((p: any) => ({
          id: p.id as string,
          amount: Number(p.amount),
          captured: sum(p.captures),
          refunded: sum(p.refunds),
          captured_at: p.captured_at,
          canceled_at: p.canceled_at,
        })),
        transactions: (order.transactions ?? []).map((t: any) => [t.reference, Number(t.amount)]),
      }
    }

    async function flowOf(orderId: string) {
      const [flow] = await sql(`SELECT * FROM order_flow WHERE order_id = ? AND deleted_at IS NULL`, [orderId])
      const events = await sql(
        `SELECT stage, status, detail FROM order_flow_event WHERE order_id = ? AND deleted_at IS NULL ORDER BY created_at`,
        [orderId]
      )
      return { flow: flow ?? null, events }
    }

    /** A placed order held for review by the real start of its flow (2 × 79 EUR > 150 EUR). */
    async function heldOrder() {
      const { order } = await placeOrder([["GRINDER-STEEL", 2]])
      const result = await startOrderFlow(container, order.id)
      expect(result).toEqual(expect.objectContaining({ created: true, review_id: expect.any(String) }))
      expect((await flowOf(order.id)).flow.stage).toBe("under_review")
      const [review] = await sql(`SELECT * FROM risk_review WHERE order_id = ? AND deleted_at IS NULL`, [order.id])
      expect(review.status).toBe("pending")
      return { order, review }
    }

    describe("order flow", () => {
      it("create-order-flow-step: a later failure discards the flow row and its timeline, so a retried start begins clean", async () => {
        const { order } = await placeOrder([["MUG-BLACK", 1]])
        probes.set("create-order-flow", () => flowOf(order.id))

        await runAndExpectReverted(compensateCreateOrderFlow, container, { order_id: order.id })

        const during = observed.get("create-order-flow")
        expect(during.flow).toEqual(expect.objectContaining({ order_id: order.id, stage: "assessing" }))
        expect(during.events.map((e: any) => `${e.stage}:${e.status}`)).toEqual(["assessing:started"])
        expect(await flowOf(order.id)).toEqual({ flow: null, events: [] })

        // The row is really gone: the next start creates the flow.
        const result = await startOrderFlow(container, order.id)
        expect(result.created).toBe(true)
      })

      it("create-order-flow-step: a flow an earlier start created is left alone", async () => {
        const { order } = await placeOrder([["MUG-BLACK", 1]])
        const { flow: existing } = await flows().startFlow(order.id)
        const before = await flowOf(order.id)
        probes.set("create-order-flow", () => flowOf(order.id))

        await runAndExpectReverted(compensateCreateOrderFlow, container, { order_id: order.id })

        expect(observed.get("create-order-flow")).toEqual(before)
        const after = await flowOf(order.id)
        expect(after.flow.id).toBe(existing.id)
        expect(after).toEqual(before)
      })

      it("create-risk-review-step: a later failure deletes the review it opened", async () => {
        const { order } = await placeOrder([["GRINDER-STEEL", 2]])
        const reviews = () => sql(`SELECT id, status, score FROM risk_review WHERE order_id = ?`, [order.id])
        probes.set("create-risk-review", reviews)

        await runAndExpectReverted(compensateCreateRiskReview, container, { order_id: order.id })

        const during = observed.get("create-risk-review")
        expect(during).toEqual([expect.objectContaining({ status: "pending", score: 75 })])
        // Gone, not just soft-deleted: the order's one review can be opened again.
        expect(await reviews()).toEqual([])
        const result = await startOrderFlow(container, order.id)
        expect((await flowOf(order.id)).flow.stage).toBe("under_review")
        expect(result.review_id).toBeTruthy()
        expect(result.review_id).not.toBe(during[0].id)
      })

      it("decide-risk-review-step: a later failure reopens the review with no trace of the decision", async () => {
        const { order, review } = await heldOrder()
        const read = async () =>
          (
            await sql(
              `SELECT status, decided_by, decided_at, decision_source, reason, note FROM risk_review WHERE id = ?`,
              [review.id]
            )
          )[0]
        probes.set("decide-risk-review", read)

        await runAndExpectReverted(compensateDecideRiskReview, container, {
          id: review.id,
          status: "rejected",
          decided_by: "user_compensation_test",
          decision_source: "admin",
          reason: "card testing pattern",
          note: "looked at it",
        } satisfies DecideReviewInput)

        expect(observed.get("decide-risk-review")).toEqual(
          expect.objectContaining({
            status: "rejected",
            decided_by: "user_compensation_test",
            decision_source: "admin",
            reason: "card testing pattern",
            note: "looked at it",
            decided_at: expect.any(Date),
          })
        )
        expect(await read()).toEqual({
          status: "pending",
          decided_by: null,
          decided_at: null,
          decision_source: null,
          reason: null,
          note: null,
        })
        // Pending again: a real decision goes through (no 409), and the run waiting for it
        // moves the flow on: approved, captured, then waiting for its shipping window.
        await decideRiskReviewWorkflow(container).run({
          input: { review_id: review.id, decision: "approve", actor_id: "user_other", source: "admin" },
        })
        expect(await resumeOrderFlow(container, order.id, "review")).toBe(true)
        expect((await read()).status).toBe("approved")
        const moved = await waitFor(() => flowOf(order.id), (f) => f.flow.stage === "paid", { what: "the approved flow to be paid" })
        expect(moved.events.map((e: any) => `${e.stage}:${e.status}`)).toEqual(
          expect.arrayContaining(["review:approved", "payment:captured"])
        )
      })

      it("move-order-flow-stage-step: a later failure moves the stage back and records rolled_back", async () => {
        const { order } = await heldOrder()
        const before = await flowOf(order.id)
        expect(before.flow.stage).toBe("under_review")
        probes.set("move-order-flow-stage", () => flowOf(order.id))

        await runAndExpectReverted(compensateMoveOrderFlowStage, container, {
          order_id: order.id,
          from: ["under_review"],
          to: "rejected",
          event: { stage: "review", status: "rejected", detail: { reason: "test" } },
        } satisfies MoveOrderFlowStageInput)

        const during = observed.get("move-order-flow-stage")
        expect(during.flow.stage).toBe("rejected")
        expect(during.events.slice(before.events.length).map((e: any) => `${e.stage}:${e.status}`)).toEqual([
          "review:rejected",
        ])
        const after = await flowOf(order.id)
        expect(after.flow.stage).toBe("under_review")
        expect(after.events.slice(before.events.length)).toEqual([
          { stage: "review", status: "rejected", detail: { reason: "test" } },
          { stage: "rejected", status: "rolled_back", detail: { back_to: "under_review" } },
        ])
      })

      it("capture-order-payments-step: a later failure refunds what it captured, through core", async () => {
        const { order } = await placeOrder([["FILTER-250G", 2]])
        const before = await orderPayments(order.id)
        expect(before.payments).toHaveLength(1)
        const [payment] = before.payments
        expect(payment).toEqual(expect.objectContaining({ captured: 0, refunded: 0, captured_at: null, canceled_at: null }))
        expect(payment.amount).toBeGreaterThan(0)
        probes.set("capture-order-payments", () => orderPayments(order.id))

        await runAndExpectReverted(compensateCaptureOrderPayments, container, { payment_ids: [payment.id] })

        const during = observed.get("capture-order-payments")
        expect(during.payments[0]).toEqual(
          expect.objectContaining({ captured: payment.amount, refunded: 0, captured_at: expect.any(Date) })
        )
        expect(during.transactions).toEqual([["capture", payment.amount]])
        const after = await orderPayments(order.id)
        expect(after.payments[0]).toEqual(expect.objectContaining({ captured: payment.amount, refunded: payment.amount }))
        // The order's ledger nets to zero: the capture and its refund.
        expect(after.transactions).toEqual(
          expect.arrayContaining([
            ["capture", payment.amount],
            ["refund", -payment.amount],
          ])
        )
        expect(after.transactions.reduce((s: number, [, amount]: [string, number]) => s + amount, 0)).toBe(0)
      })

      it(
        "capture-order-payments-step: a flow whose capture was compensated (refunded) is not marked paid by the next capture attempt",
        async () => {
          // A flow at rest in `approved` (as one is after its approval, before its capture).
          const { order } = await placeOrder([["MUG-BLACK", 1]])
          await flows().startFlow(order.id)
          expect(await flows().moveStage({ order_id: order.id, from: ["assessing"], to: "approved" })).toBeTruthy()
          const [payment] = (await orderPayments(order.id)).payments
          probes.set("claimed-capture", async () => ({ flow: (await flowOf(order.id)).flow.stage, ...(await orderPayments(order.id)) }))

          await runAndExpectReverted(compensateClaimedCapture, container, { order_id: order.id, payment_ids: [payment.id] })

          const during = observed.get("claimed-capture")
          expect([during.flow, during.payments[0].captured]).toEqual(["capturing", payment.amount])
          expect((await flowOf(order.id)).flow.stage).toBe("approved")
          const after = await orderPayments(order.id)
          expect(after.payments[0]).toEqual(expect.objectContaining({ captured: payment.amount, refunded: payment.amount }))

          // The flow is back in `approved` with its money returned. A run that continues it
          // (the sweeper's, after a crash at this point) must not take the refunded payment
          // for a paid order and ship it: it waits for a payment instead.
          await continueOrderFlow(container, order.id, null)
          const waiting = await waitFor(
            () => flowOf(order.id),
            (f) => f.flow.stage !== "approved",
            { what: "the continued flow to leave approved" }
          )
          expect(waiting.flow.stage).toBe("awaiting_payment")
        }
      )

      it("create-split-fulfillments-step: a later failure cancels every fulfilment of the run and restores stock and reservations", async () => {
        // FILTER-250G is stocked only in Berlin, KETTLE-EU only in Rotterdam: two fulfilments.
        const { order } = await placeOrder([
          ["FILTER-250G", 2],
          ["KETTLE-EU", 1],
        ])
        const skus = ["FILTER-250G", "KETTLE-EU"]
        const stock = async () =>
          Object.fromEntries(
            await Promise.all(
              skus.map(async (sku) => {
                const f = await stockFigures(container, variant(sku).inventoryItemId)
                return [sku, { stocked: f.stocked, reserved: f.reserved, reservationSum: f.reservationSum }]
              })
            )
          )
        const lineIds = order.items.map((i: any) => i.id)
        const reservations = async () =>
          (await container.resolve(Modules.INVENTORY).listReservationItems({ line_item_id: lineIds }))
            .map((r) => `${r.line_item_id}@${r.location_id}×${Number(r.quantity)}`)
            .sort()
        const fulfilments = async () => {
          const query = container.resolve(ContainerRegistrationKeys.QUERY)
          const { data } = await query.graph({
            entity: "order",
            fields: ["id", "items.id", "items.detail.fulfilled_quantity", "fulfillments.id", "fulfillments.location_id", "fulfillments.canceled_at"],
            filters: { id: order.id },
          })
          const o = data[0] as any
          return {
            fulfillments: o.fulfillments.map((f: any) => ({ location_id: f.location_id, canceled: !!f.canceled_at })),
            fulfilled: o.items.map((i: any) => Number(i.detail?.fulfilled_quantity ?? 0)),
          }
        }
        const stockBefore = await stock()
        const reservationsBefore = await reservations()
        expect(reservationsBefore).toHaveLength(2)
        probes.set("create-split-fulfillments", async () => ({
          stock: await stock(),
          reservations: await reservations(),
          fulfilments: await fulfilments(),
        }))

        await runAndExpectReverted(compensateCreateSplitFulfillments, container, { order_id: order.id })

        const during = observed.get("create-split-fulfillments")
        expect(during.fulfilments.fulfillments).toHaveLength(2)
        expect(during.fulfilments.fulfillments.every((f: any) => !f.canceled)).toBe(true)
        expect(new Set(during.fulfilments.fulfillments.map((f: any) => f.location_id))).toEqual(
          new Set([seed.stockLocations.berlin, seed.stockLocations.rotterdam])
        )
        expect(during.fulfilments.fulfilled.sort()).toEqual([1, 2])
        expect(during.stock["FILTER-250G"].stocked).toBe(stockBefore["FILTER-250G"].stocked - 2)
        expect(during.stock["KETTLE-EU"].stocked).toBe(stockBefore["KETTLE-EU"].stocked - 1)
        expect(during.reservations).toEqual([])

        const after = await fulfilments()
        expect(after.fulfillments).toHaveLength(2)
        expect(after.fulfillments.every((f: any) => f.canceled)).toBe(true)
        expect(after.fulfilled).toEqual([0, 0])
        expect(await stock()).toEqual(stockBefore)
        expect(await reservations()).toEqual(reservationsBefore)
        // Each fulfilment and each cancellation was one order change, applied in turn.
        expect(await rowsAtCurrentVersion(container, order.id)).toEqual(
          expect.objectContaining({ items: 2, shipping_methods: 1, summaries: 1 })
        )

        // The order ships again as if nothing had happened.
        const { result } = await shipOrderForReal(container).run({ input: { order_id: order.id } })
        expect(result.fulfillment_status).toBe("fulfilled")
        expect(result.shipments).toHaveLength(2)
      })
    })

    describe("inventory dedup", () => {
      const reservationKey = () => `test:compensations:${Math.random().toString(36).slice(2, 10)}`
      const reserveInput = (key: string): ReserveStockOnceInput => ({
        key,
        items: [{ inventory_item_id: variant("MUG-BLACK").inventoryItemId, location_id: seed.stockLocations.rotterdam, quantity: 2 }],
      })
      const reservationsWithKey = async (key: string) =>
        (await container.resolve(Modules.INVENTORY).listReservationItems({ external_id: key } as any)).map((r) => ({
          location_id: r.location_id,
          quantity: Number(r.quantity),
        }))
      const mugReserved = async () => (await stockFigures(container, variant("MUG-BLACK").inventoryItemId)).reserved

      it("reserve-stock-once-step: a later failure deletes the reservations it made", async () => {
        const key = reservationKey()
        const before = await mugReserved()
        probes.set("reserve-stock-once", async () => ({ rows: await reservationsWithKey(key), reserved: await mugReserved() }))

        await runAndExpectReverted(compensateReserveStockOnce, container, reserveInput(key))

        expect(observed.get("reserve-stock-once")).toEqual({
          rows: [{ location_id: seed.stockLocations.rotterdam, quantity: 2 }],
          reserved: before + 2,
        })
        expect(await reservationsWithKey(key)).toEqual([])
        expect(await mugReserved()).toBe(before)
      })

      it(
        "reserve-stock-once-step: after its compensation, a retry with the same key reserves again (the ledger entry is undone too)",
        async () => {
          const key = reservationKey()
          const before = await mugReserved()
          await runAndExpectReverted(compensateReserveStockOnce, container, reserveInput(key))
          expect(await mugReserved()).toBe(before)

          // recover-checkout reserves with a fixed key per order (`order:<id>:recover-reserve`),
          // so its next attempt after a compensated one is exactly this.
          const { result } = await reserveStockOnceForReal(container).run({ input: reserveInput(key) })
          expect(await reservationsWithKey(key)).toEqual([{ location_id: seed.stockLocations.rotterdam, quantity: 2 }])
          expect(await mugReserved()).toBe(before + 2)
          const live = await container.resolve(Modules.INVENTORY).listReservationItems({ id: result })
          expect(live).toHaveLength(1)
        }
      )

      it("link-recovered-order-step: a later failure dismisses the links it created, and only those", async () => {
        const { order, cartId } = await placeOrder([["MUG-BLACK", 1]])
        const link = container.resolve(ContainerRegistrationKeys.LINK)
        // A completion cut off before core linked the order to its cart.
        await link.dismiss({ [Modules.ORDER]: { order_id: order.id }, [Modules.CART]: { cart_id: cartId } })
        const links = async () => ({
          cart: (await sql(`SELECT cart_id FROM order_cart WHERE order_id = ? AND deleted_at IS NULL`, [order.id])).map(
            (r) => r.cart_id
          ),
          payment_collections: (
            await sql(`SELECT payment_collection_id FROM order_payment_collection WHERE order_id = ? AND deleted_at IS NULL`, [
              order.id,
            ])
          ).map((r) => r.payment_collection_id),
        })
        const before = await links()
        expect(before.cart).toEqual([])
        expect(before.payment_collections).toHaveLength(1)
        probes.set("link-recovered-order", links)

        await runAndExpectReverted(compensateLinkRecoveredOrder, container, { order_id: order.id, cart_id: cartId })

        expect(observed.get("link-recovered-order")).toEqual({ cart: [cartId], payment_collections: before.payment_collections })
        // The cart link it made is gone; the payment-collection link it found is still there.
        expect(await links()).toEqual(before)
      })

      it("claim-cart-stock-step: a later failure releases the claim and frees its stock", async () => {
        const cartId = await cartWith([["GEISHA-LIMITED-100G", 2]])
        const itemId = variant("GEISHA-LIMITED-100G").inventoryItemId
        const locations = Object.values(seed.stockLocations)
        const available = async () => (await dedup().previewAvailability([itemId], locations)).get(itemId)
        const claims = () => sql(`SELECT status, source, note FROM inventory_dedup_claim WHERE cart_id = ?`, [cartId])
        const before = await available()
        expect(before).toBe(3)
        probes.set("claim-cart-stock", async () => ({ claims: await claims(), available: await available() }))

        await runAndExpectReverted(compensateClaimCartStock, container, { cart_id: cartId })

        expect(observed.get("claim-cart-stock")).toEqual({
          claims: [{ status: "held", source: "checkout", note: null }],
          available: before! - 2,
        })
        expect(await claims()).toEqual([{ status: "released", source: "checkout", note: "checkout failed after the claim" }])
        expect(await available()).toBe(before)

        // Nothing is left holding the cart: the buyer's checkout goes through.
        const placed = await completeCart(api, key(), cartId)
        expect(placed.status).toBe(200)
        expect(placed.body.type).toBe("order")
        await orderPlacedHandled(placed.body.order.id)
      })

      it("checkout guard: a completion that fails after the order was created releases the adopted claim; nothing is left", async () => {
        const cartId = await cartWith([["GEISHA-LIMITED-100G", 2]])
        const itemId = variant("GEISHA-LIMITED-100G").inventoryItemId
        const locations = Object.values(seed.stockLocations)
        const available = async () => (await dedup().previewAvailability([itemId], locations)).get(itemId)
        const claims = () =>
          sql(`SELECT status, source, note, adopted_at IS NOT NULL AS adopted FROM inventory_dedup_claim WHERE cart_id = ? ORDER BY created_at`, [cartId])
        const orderOfCart = async () => (await sql(`SELECT order_id FROM order_cart WHERE cart_id = ? AND deleted_at IS NULL`, [cartId]))[0]?.order_id ?? null
        const stockBefore = await stockFigures(container, itemId)
        expect(await available()).toBe(3)
        failAuthorizationFor.set(cartId, async () => ({
          claims: await claims(),
          order_id: await orderOfCart(),
          reserved: (await stockFigures(container, itemId)).reserved,
        }))

        const failed = await completeCart(api, key(), cartId)

        expect([failed.status, failed.body.message]).toEqual([400, LATER_STEP_FAILED])
        const during = observed.get(`before-payment-authorization:${cartId}`)
        expect(during.claims).toEqual([{ status: "held", source: "admission", note: null, adopted: true }])
        expect(during.order_id).toMatch(/^order_/)
        expect(during.reserved).toBe(stockBefore.reserved + 2)

        // Released by the completion's compensation (the admission middleware, which also
        // releases after a failed response, would have written another note).
        expect(await claims()).toEqual([{ status: "released", source: "admission", note: "checkout failed after the claim", adopted: true }])
        expect(await available()).toBe(3)
        expect(await orderOfCart()).toBeNull()
        expect(await sql(`SELECT id FROM "order" WHERE id = ? AND deleted_at IS NULL`, [during.order_id])).toEqual([])
        const stockAfter = await stockFigures(container, itemId)
        expect([stockAfter.stocked, stockAfter.reserved, stockAfter.reservationSum]).toEqual([
          stockBefore.stocked,
          stockBefore.reserved,
          stockBefore.reservationSum,
        ])
        const [cart] = await sql(`SELECT completed_at FROM cart WHERE id = ?`, [cartId])
        expect(cart.completed_at).toBeNull()

        // The buyer's retry is claimed afresh and becomes the one order.
        failAuthorizationFor.delete(cartId)
        const retried = await completeCart(api, key(), cartId)
        expect(retried.status).toBe(200)
        await orderPlacedHandled(retried.body.order.id)
        expect((await claims()).map((c: any) => c.status)).toEqual(["released", "converted"])
      })

      it(
        "checkout guard: core's completion nested with runAsStep, then a later step of the shop's workflow fails: the claim is released",
        async () => {
          const cartId = await cartWith([["GEISHA-LIMITED-100G", 2]])
          const itemId = variant("GEISHA-LIMITED-100G").inventoryItemId
          const locations = Object.values(seed.stockLocations)
          const available = async () => (await dedup().previewAvailability([itemId], locations)).get(itemId)
          const claims = () => sql(`SELECT status, source, note, order_id FROM inventory_dedup_claim WHERE cart_id = ?`, [cartId])
          const orderOfCart = async () =>
            (await sql(`SELECT order_id FROM order_cart WHERE cart_id = ? AND deleted_at IS NULL`, [cartId]))[0]?.order_id ?? null
          const stockBefore = await stockFigures(container, itemId)
          probes.set("complete-cart", async () => ({ claims: await claims(), order_id: await orderOfCart() }))

          await runAndExpectReverted(compensateCompleteCart, container, { cart_id: cartId })

          const during = observed.get("complete-cart")
          expect(during.order_id).toMatch(/^order_/)
          expect(during.claims).toEqual([expect.objectContaining({ status: "converted", order_id: during.order_id })])
          // Core undid its part: no order, no reservation, the cart open again.
          expect(await orderOfCart()).toBeNull()
          expect(await sql(`SELECT id FROM "order" WHERE id = ? AND deleted_at IS NULL`, [during.order_id])).toEqual([])
          expect((await stockFigures(container, itemId)).reserved).toBe(stockBefore.reserved)
          expect(await available()).toBe(3)
          // The claim must not stay "converted" for an order that no longer exists: a live
          // claim is what a retry of this cart finds instead of claiming its stock afresh.
          expect(await claims()).toEqual([
            expect.objectContaining({ status: "released", note: "checkout failed after the claim" }),
          ])
        }
      )
    })

    describe("recommendations", () => {
      const recommendations = () => container.resolve<RecommendationModuleService>(RECOMMENDATION_MODULE)
      const round = (n: unknown) => (n == null ? null : Math.round(Number(n) * 1e9) / 1e9)
      /** The whole co-purchase model, without ids and timestamps. */
      async function model() {
        const live = "deleted_at IS NULL"
        return {
          orders: (await sql(`SELECT order_id, weight, product_count, placed_at FROM recommendation_order WHERE ${live} ORDER BY order_id`)).map(
            (r) => ({ ...r, weight: round(r.weight), placed_at: r.placed_at ? new Date(r.placed_at).toISOString() : null })
          ),
          order_products: await sql(
            `SELECT order_id, product_id FROM recommendation_order_product WHERE ${live} ORDER BY order_id, product_id`
          ),
          stats: (
            await sql(
              `SELECT product_id, orders, weight, copurchase_orders, neighbour_count, neighbour_min_score
                 FROM recommendation_product_stat WHERE ${live} ORDER BY product_id`
            )
          ).map((r) => ({ ...r, weight: round(r.weight), neighbour_min_score: round(r.neighbour_min_score) })),
          pairs: (
            await sql(`SELECT product_id, other_id, orders, weight FROM recommendation_pair WHERE ${live} ORDER BY product_id, other_id`)
          ).map((r) => ({ ...r, weight: round(r.weight) })),
          neighbours: (
            await sql(
              `SELECT product_id, neighbour_id, score, orders, rank FROM recommendation_neighbour WHERE ${live} ORDER BY product_id, rank, neighbour_id`
            )
          ).map((r) => ({ ...r, score: round(r.score) })),
        }
      }
      /** An order of two products, once `order.placed` has recorded it in the model. */
      async function recordedOrder() {
        const { order } = await placeOrder([
          ["FILTER-250G", 1],
          ["KETTLE-EU", 1],
        ])
        // placeOrder waited for order.placed to record it.
        return order
      }
      const pairOf = (m: Awaited<ReturnType<typeof model>>) =>
        m.pairs.find(
          (p: any) => p.product_id === variant("FILTER-250G").productId && p.other_id === variant("KETTLE-EU").productId
        )

      it("record-order-copurchases-step: a later failure takes the order back out of the model, exactly", async () => {
        const order = await recordedOrder()
        await recommendations().removeOrder(order.id)
        const before = await model()
        expect(before.orders.some((o: any) => o.order_id === order.id)).toBe(false)
        probes.set("record-order-copurchases", model)

        await runAndExpectReverted(compensateRecordOrderCopurchases, container, { order_id: order.id })

        const during = observed.get("record-order-copurchases")
        expect(during.orders.filter((o: any) => o.order_id === order.id)).toEqual([
          expect.objectContaining({ product_count: 2, weight: 1 }),
        ])
        expect(pairOf(during)?.orders).toBe((pairOf(before)?.orders ?? 0) + 1)
        expect(await model()).toEqual(before)
      })

      it("remove-order-copurchases-step: a later failure puts the order back into the model, exactly", async () => {
        const order = await recordedOrder()
        const before = await model()
        expect(before.orders.filter((o: any) => o.order_id === order.id)).toHaveLength(1)
        probes.set("remove-order-copurchases", model)

        await runAndExpectReverted(compensateRemoveOrderCopurchases, container, { order_id: order.id })

        const during = observed.get("remove-order-copurchases")
        expect(during.orders.some((o: any) => o.order_id === order.id)).toBe(false)
        expect(pairOf(during)?.orders ?? 0).toBe(pairOf(before)!.orders - 1)
        expect(await model()).toEqual(before)
      })
    })
  },
})
