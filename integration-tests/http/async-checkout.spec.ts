import { medusaIntegrationTestRunner } from "../helpers/runner"
import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { DECLINING_PAYMENT_PROVIDER_ID } from "../providers/declining-payment"
import { appEnv } from "../helpers/app-env"
import { createStockedProduct, stockFigures } from "../helpers/stock"
import { adminHeaders, completeCart, completeCartRetrying, prepareCart, registerCustomer, storeHeaders } from "../helpers/storefront"
import { waitFor } from "../helpers/wait"

jest.setTimeout(240 * 1000)

// One completion at a time and a one-second queue: a burst fills the queue at once. The
// test payment provider declines the sessions created to be declined.
const env = appEnv({
  OMNIFLOW_OPTIONS: JSON.stringify({ inventoryDedup: { maxConcurrentCheckouts: 1, checkoutQueueTimeoutSeconds: 1 } }),
  OMNIFLOW_TEST_PROVIDERS: "true",
})

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

    const key = () => seed.publishableKey
    const sql = async (text: string, params: any[] = []) =>
      (await container.resolve(ContainerRegistrationKeys.PG_CONNECTION).raw(text, params)).rows

    /** `POST /store/carts/:id/complete` with a `Prefer` header; status, body, headers and how long the answer took. */
    async function complete(cartId: string, prefer: string | null, token?: string) {
      const h = storeHeaders(key(), token)
      const started = Date.now()
      const res = await api.post(`/store/carts/${cartId}/complete`, {}, {
        headers: { ...h.headers, ...(prefer === null ? {} : { prefer }) },
        validateStatus: () => true,
      })
      return { status: res.status, body: res.data, headers: res.headers, ms: Date.now() - started }
    }

    const poll = async (location: string, token?: string): Promise<{ status: number; data: any; headers: any }> => {
      const { status, data, headers } = await api.get(location, { ...storeHeaders(key(), token), validateStatus: () => true })
      return { status, data, headers }
    }

    /** Polls a checkout until it is no longer `claimed`. */
    const settled = (location: string, token?: string) =>
      waitFor(() => poll(location, token), (r) => r.status === 200 && r.data.checkout.state !== "claimed", {
        what: `checkout ${location} to settle`,
        timeoutMs: 30_000,
      })

    async function stockedCarts(handle: string, units: number, buyers: number) {
      const { variants, inventoryItemIds } = await createStockedProduct(container, seed, {
        handle,
        skus: [handle.toUpperCase()],
        stock: { [seed.stockLocations.berlin]: units },
      })
      const variant_id = Object.values(variants)[0] as string
      const carts: string[] = []
      for (let i = 0; i < buyers; i++) {
        carts.push(await prepareCart(api, key(), { regionId: seed.regionId, items: [{ variant_id, quantity: 1 }] }))
      }
      return { carts, inventoryItemId: inventoryItemIds[0], variant_id }
    }

    it("answers 30 buyers of the last 10 units at once: 10 × 202 that become orders, 20 × 400", async () => {
      const { carts, inventoryItemId } = await stockedCarts("async-burst", 10, 30)

      const answers = await Promise.all(carts.map((id) => complete(id, "respond-async")))
      const accepted = answers.filter((a) => a.status === 202)
      const refused = answers.filter((a) => a.status === 400)
      expect([accepted.length, refused.length]).toEqual([10, 20])
      for (const r of refused) {
        expect(r.body.code).toBe("out_of_stock")
      }
      for (const a of accepted) {
        expect(a.body.checkout).toEqual(expect.objectContaining({ state: "claimed", claim_id: expect.any(String), order_id: null }))
        expect(a.headers.location).toBe(`/store/omniflow/checkouts/${a.body.checkout.id}`)
        expect(a.headers["preference-applied"]).toBe("respond-async")
        expect(Number(a.headers["retry-after"])).toBeGreaterThanOrEqual(1)
      }

      const placed = await Promise.all(accepted.map((a) => settled(a.headers.location)))
      for (const p of placed) {
        expect(p.data.checkout.state).toBe("placed")
        expect(p.data.type).toBe("order")
        expect(p.data.order).toEqual(expect.objectContaining({ id: p.data.checkout.order_id, items: [expect.objectContaining({ quantity: 1 })] }))
      }
      expect(new Set(placed.map((p) => p.data.order.id)).size).toBe(10)

      // Exactly the ten units, each reserved once for its order.
      const figures = await stockFigures(container, inventoryItemId)
      expect([figures.stocked, figures.reserved, figures.reservationSum]).toEqual([10, 10, 10])
      // A storefront that sends a placed cart again gets the same order back, as from core.
      const again = await complete(carts[answers.indexOf(accepted[0])], "respond-async")
      expect(again.status).toBe(202)
      expect((await settled(again.headers.location)).data.order.id).toBe(placed[0].data.order.id)
      expect((await stockFigures(container, inventoryItemId)).reserved).toBe(10)
    })

    it("ends a checkout whose payment is declined in the background as failed, its stock back for the next buyer", async () => {
      const { carts, inventoryItemId } = await stockedCarts("async-declined", 1, 2)
      const admin = await adminHeaders(api, seed.admin.email, seed.admin.password)
      await api.post(`/admin/regions/${seed.regionId}`, { payment_providers: ["pp_system_default", DECLINING_PAYMENT_PROVIDER_ID] }, admin)
      const { data } = await api.post("/store/payment-collections", { cart_id: carts[0] }, storeHeaders(key()))
      await api.post(
        `/store/payment-collections/${data.payment_collection.id}/payment-sessions`,
        { provider_id: DECLINING_PAYMENT_PROVIDER_ID, data: { decline: true } },
        storeHeaders(key())
      )

      const accepted = await complete(carts[0], "respond-async")
      expect(accepted.status).toBe(202)
      const failed = await settled(accepted.headers.location)
      expect(failed.data.checkout).toEqual(
        expect.objectContaining({ state: "failed", order_id: null, error: expect.objectContaining({ message: expect.stringContaining("not authorized") }) })
      )
      const [claim] = await sql(`SELECT status FROM inventory_dedup_claim WHERE id = ?`, [failed.data.checkout.claim_id])
      expect(claim.status).toBe("released")
      expect((await stockFigures(container, inventoryItemId)).reserved).toBe(0)

      // The unit is back: the next buyer gets it.
      const next = await completeCart(api, key(), carts[1])
      expect([next.status, next.body.type]).toEqual([200, "order"])
    })

    it("shows a customer's checkout to that customer only", async () => {
      const owner = await registerCustomer(api, key(), "async.owner@example.com")
      const other = await registerCustomer(api, key(), "async.other@example.com")
      const { variants } = await createStockedProduct(container, seed, {
        handle: "async-private",
        skus: ["ASYNC-PRIVATE"],
        stock: { [seed.stockLocations.berlin]: 5 },
      })
      const cartId = await prepareCart(api, key(), {
        regionId: seed.regionId,
        items: [{ variant_id: variants["ASYNC-PRIVATE"], quantity: 1 }],
        token: owner.token,
        email: "async.owner@example.com",
      })
      const accepted = await complete(cartId, "respond-async", owner.token)
      expect(accepted.status).toBe(202)
      const location = accepted.headers.location

      expect((await poll(location, other.token)).status).toBe(404)
      expect((await poll(location)).status).toBe(404)
      expect((await settled(location, owner.token)).data.checkout.state).toBe("placed")
      expect((await poll("/store/omniflow/checkouts/chk_01J00000000000000000000000")).status).toBe(404)
      const bad = await poll("/store/omniflow/checkouts/chk_1?limit=5")
      expect([bad.status, bad.data.message]).toEqual([400, expect.stringContaining("limit")])
    })

    it("ignores Prefer values other than respond-async and completes as core does", async () => {
      const { carts } = await stockedCarts("async-ignored", 3, 3)
      for (const [cartId, prefer] of [
        [carts[0], "respond-asynchronously"],
        [carts[1], "respond-async=yes"],
        [carts[2], "wait=5, handling=lenient"],
      ] as const) {
        const answer = await complete(cartId, prefer)
        expect([prefer, answer.status, answer.body.type]).toEqual([prefer, 200, "order"])
      }
    })

    it("turns away at once, with an honest Retry-After, a checkout that would wait past the queue timeout; it is served when it comes back", async () => {
      const { carts } = await stockedCarts("sync-shed", 13, 13)
      // One completion first, so the queue knows how long one takes.
      expect((await complete(carts[0], null)).status).toBe(200)

      // Six buyers at once: one is served, the queue fills up behind it.
      const burst = carts.slice(1, 7).map((id) => complete(id, null))
      await new Promise((r) => setTimeout(r, 300))
      // Latecomers while the queue is full are told at once, with how long to wait.
      const late: Awaited<ReturnType<typeof complete>>[] = []
      for (const id of carts.slice(7)) {
        late.push(await complete(id, null))
      }
      const answers = [...(await Promise.all(burst)), ...late]
      const shed = answers.filter((a) => a.status === 503)
      expect(late.filter((a) => a.status === 503).length).toBeGreaterThanOrEqual(1)
      for (const s of shed) {
        expect(s.body.code).toBe("checkout_busy")
        expect(Number(s.headers["retry-after"])).toBeGreaterThanOrEqual(1)
      }
      for (const s of late.filter((a) => a.status === 503)) {
        expect(s.ms).toBeLessThan(100)
      }
      expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true)

      // Buyers who come back after their Retry-After are served: every unit is sold once.
      const retried = await Promise.all(
        carts.slice(1).filter((_, i) => answers[i].status === 503).map((id) => completeCartRetrying(api, key(), id, undefined, 10))
      )
      expect(retried.map((r) => r.status)).toEqual(retried.map(() => 200))
    })
  },
})
