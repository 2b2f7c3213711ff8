import { medusaIntegrationTestRunner } from "../helpers/runner"
import { Modules } from "@medusajs/framework/utils"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../src/modules/inventory-dedup"
import { claimCartStock } from "../../src/workflows/checkout-guard/steps/claim-cart-stock"
import { reserveStockOnce } from "../../src/workflows/inventory-dedup/steps/reserve-stock-once"
import { reconcileStockClaimsWorkflow } from "../../src/workflows/inventory-dedup/reconcile-stock-claims"
import { recoverAbandonedCheckouts } from "../../src/jobs/reconcile-stock-claims"
import { adminHeaders, completeCart, prepareCart } from "../helpers/storefront"
import { countOrders, createStockedProduct, stockFigures } from "../helpers/stock"

jest.setTimeout(300 * 1000)

medusaIntegrationTestRunner({
  inApp: true,
  env: {},
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    let berlin: string
    let rotterdam: string
    const service = () => getContainer().resolve<InventoryDedupModuleService>(INVENTORY_DEDUP_MODULE)

    beforeAll(async () => {
      seed = await seedDemoData(getContainer())
      berlin = seed.stockLocations.berlin
      rotterdam = seed.stockLocations.rotterdam
    })

    const buyers = async (variantId: string, n: number, quantity = 1) => {
      const carts: string[] = []
      // Prepared a few at a time: the burst under test is the completion, not cart setup.
      for (let i = 0; i < n; i += 8) {
        const batch = Array.from({ length: Math.min(8, n - i) }, () =>
          prepareCart(api, seed.publishableKey, {
            regionId: seed.regionId,
            items: [{ variant_id: variantId, quantity }],
          })
        )
        carts.push(...(await Promise.all(batch)))
      }
      return carts
    }

    describe("checkout guard on the store API", () => {
      it("hot SKU: 40 buyers, 5 units → exactly 5 orders and 35 clear 4xx, every order reserved", async () => {
        const container = getContainer()
        const { variants, inventoryItemIds } = await createStockedProduct(container, seed, {
          handle: "hot-sku",
          skus: ["HOT-1"],
          stock: { [berlin]: 5 },
        })
        const carts = await buyers(variants["HOT-1"], 40)
        const results = await Promise.all(carts.map((id) => completeCart(api, seed.publishableKey, id)))

        const won = results.filter((r) => r.status === 200 && r.body.type === "order")
        const lost = results.filter((r) => r.status >= 400 && r.status < 500)
        expect(results.filter((r) => r.status >= 500)).toEqual([])
        expect(won).toHaveLength(5)
        expect(lost).toHaveLength(35)
        for (const r of lost) {
          expect(r.body.message).toMatch(/HOT-1/)
        }

        const stock = await stockFigures(container, inventoryItemIds[0])
        expect(stock).toMatchObject({ stocked: 5, reserved: 5, reservationSum: 5 })
        const orders = await countOrders(container)
        const reservedLines = new Set(stock.reservations.map((r) => r.line_item_id))
        const hotOrders = orders.filter((o) => won.some((w) => w.body.order.id === o.id))
        expect(hotOrders).toHaveLength(5)
        for (const order of hotOrders) {
          expect(order.items!.every((i) => reservedLines.has(i!.id))).toBe(true)
        }
      })

      it("a burst with stock for everyone serves every buyer, no 5xx", async () => {
        const container = getContainer()
        const { variants, inventoryItemIds } = await createStockedProduct(container, seed, {
          handle: "plenty",
          skus: ["PLENTY-1"],
          stock: { [berlin]: 30 },
        })
        const carts = await buyers(variants["PLENTY-1"], 30)
        const results = await Promise.all(carts.map((id) => completeCart(api, seed.publishableKey, id)))
        expect(results.map((r) => r.status)).toEqual(carts.map(() => 200))
        expect(await stockFigures(container, inventoryItemIds[0])).toMatchObject({
          reserved: 30,
          reservationSum: 30,
        })
        // One claim per cart: taken on arrival, adopted by the workflow, converted.
        const claims = await service().listStockClaims({ cart_id: carts })
        expect(claims).toHaveLength(30)
        expect(claims.every((c) => c.status === "converted" && c.source === "admission" && !!c.adopted_at)).toBe(true)
      })

      it("the same cart completed twice at once → one order, the other request told so", async () => {
        const container = getContainer()
        const { variants, inventoryItemIds } = await createStockedProduct(container, seed, {
          handle: "twice",
          skus: ["TWICE-1"],
          stock: { [berlin]: 10 },
        })
        const cartId = await prepareCart(api, seed.publishableKey, {
          regionId: seed.regionId,
          items: [{ variant_id: variants["TWICE-1"], quantity: 3 }],
        })
        const [a, b] = await Promise.all([
          completeCart(api, seed.publishableKey, cartId),
          completeCart(api, seed.publishableKey, cartId),
        ])
        expect([a.status, b.status].sort()).toEqual([200, 409])
        expect([a, b].find((r) => r.status === 409)!.body.message).toMatch(/already being completed/)
        expect(await stockFigures(container, inventoryItemIds[0])).toMatchObject({ reserved: 3, reservationSum: 3 })
      })

      it("bundle: two lines sharing one inventory item are counted together", async () => {
        const container = getContainer()
        const { variants, inventoryItemIds } = await createStockedProduct(container, seed, {
          handle: "bundle",
          skus: ["BUNDLE-A", "BUNDLE-B"],
          stock: { [berlin]: 10 },
          shared: true,
        })
        const tooMuch = await prepareCart(api, seed.publishableKey, {
          regionId: seed.regionId,
          items: [
            { variant_id: variants["BUNDLE-A"], quantity: 6 },
            { variant_id: variants["BUNDLE-B"], quantity: 6 },
          ],
        })
        const rejected = await completeCart(api, seed.publishableKey, tooMuch)
        expect(rejected.status).toBe(400)
        expect(rejected.body.message).toMatch(/BUNDLE-A \+ BUNDLE-B: 12 requested, 10 available/)

        const fits = await prepareCart(api, seed.publishableKey, {
          regionId: seed.regionId,
          items: [
            { variant_id: variants["BUNDLE-A"], quantity: 5 },
            { variant_id: variants["BUNDLE-B"], quantity: 5 },
          ],
        })
        const accepted = await completeCart(api, seed.publishableKey, fits)
        expect(accepted.status).toBe(200)
        expect(await stockFigures(container, inventoryItemIds[0])).toMatchObject({
          stocked: 10,
          reserved: 10,
          reservationSum: 10,
        })
      })

      it("a later step of completion fails → claim released, stock back, no order", async () => {
        const container = getContainer()
        // 1 unit in each warehouse: the claim (2 in the channel) passes, core's own check
        // then fails because no single warehouse has 2 — after the claim was taken.
        const { variants, inventoryItemIds } = await createStockedProduct(container, seed, {
          handle: "split",
          skus: ["SPLIT-1"],
          stock: { [berlin]: 1, [rotterdam]: 1 },
        })
        const cartId = await prepareCart(api, seed.publishableKey, {
          regionId: seed.regionId,
          items: [{ variant_id: variants["SPLIT-1"], quantity: 2 }],
        })
        const ordersBefore = (await countOrders(container)).length
        const res = await completeCart(api, seed.publishableKey, cartId)
        expect(res.status).toBe(400)
        expect((await countOrders(container)).length).toBe(ordersBefore)

        const claims = await service().listStockClaims({ cart_id: cartId })
        expect(claims.map((c) => c.status)).toEqual(["released"])
        const available = await service().previewAvailability(inventoryItemIds, [berlin, rotterdam])
        expect(available.get(inventoryItemIds[0])).toBe(2)
      })
    })

    describe("the module's exactly-once API", () => {
      it("replay: one key applied 10 times, sequentially and concurrently → one effect, same result", async () => {
        const container = getContainer()
        const { inventoryItemIds } = await createStockedProduct(container, seed, {
          handle: "replay",
          skus: ["REPLAY-1"],
          stock: { [berlin]: 50 },
        })
        const input = {
          key: "test:replay",
          cart_id: "cart_replay",
          location_ids: [berlin],
          lines: [{ inventory_item_id: inventoryItemIds[0], quantity: 3, sku: "REPLAY-1" }],
        }
        const sequential: Awaited<ReturnType<InventoryDedupModuleService["claimStock"]>>[] = []
        for (let i = 0; i < 10; i++) {
          sequential.push(await service().claimStock(input))
        }
        const concurrent = await Promise.all(Array.from({ length: 10 }, () => service().claimStock(input)))
        const all = [...sequential, ...concurrent]
        expect(new Set(all.map((r) => r.result.claim_id)).size).toBe(1)
        expect(all.filter((r) => !r.replayed)).toHaveLength(1)
        const available = async () => (await service().previewAvailability(inventoryItemIds, [berlin])).get(inventoryItemIds[0])
        expect(await available()).toBe(47)

        // The key keeps its first result after the claim moved on: replayed once the claim
        // was released, it answers as it did and takes no stock again.
        const claimId = all[0].result.claim_id!
        await service().releaseClaim({ key: "test:replay:release", claim_id: claimId, reason: "checkout failed" })
        expect(await available()).toBe(50)
        const late = await service().claimStock(input)
        expect(late).toEqual({ result: all[0].result, replayed: true })
        expect(late.result.status).toBe("held")
        expect((await service().retrieveStockClaim(claimId)).status).toBe("released")
        expect(await available()).toBe(50)
      })

      it("crash window: a step re-executed with its key after the commit changes nothing", async () => {
        const container = getContainer()
        const { variants, inventoryItemIds } = await createStockedProduct(container, seed, {
          handle: "crash",
          skus: ["CRASH-1"],
          stock: { [berlin]: 9 },
        })
        const cartId = await prepareCart(api, seed.publishableKey, {
          regionId: seed.regionId,
          items: [{ variant_id: variants["CRASH-1"], quantity: 4 }],
        })
        // The same workflow run executing the claim step twice, as after a crash between
        // the step's commit and the engine's checkpoint.
        const ctx = { container, context: { transactionId: "tx-crash" } }
        const first = await claimCartStock({ cart_id: cartId }, ctx)
        const again = await claimCartStock({ cart_id: cartId }, ctx)
        expect(again.output).toEqual(first.output)
        const available = await service().previewAvailability(inventoryItemIds, [berlin])
        expect(available.get(inventoryItemIds[0])).toBe(5)

        // Core's reservation made exactly once: replays, concurrent replays, and a re-run
        // after a crash that left the reservation committed but not the ledger row.
        const items = [{ inventory_item_id: inventoryItemIds[0], location_id: berlin, quantity: 2 }]
        const reserve = (key: string) => reserveStockOnce({ key, items }, { container })
        const r1 = await reserve("test:reserve-once")
        const replays = [await reserve("test:reserve-once"), ...(await Promise.all([1, 2, 3].map(() => reserve("test:reserve-once"))))]
        expect(replays.every((r) => r.output[0] === r1.output[0])).toBe(true)

        const inventory = container.resolve(Modules.INVENTORY)
        const [crashed] = await inventory.createReservationItems([{ ...items[0], external_id: "test:crashed" }])
        const rerun = await reserve("test:crashed")
        expect(rerun.output).toEqual([crashed.id])
        expect(await service().listStockEffects({ key: ["test:reserve-once", "test:crashed"] })).toHaveLength(2)
        expect(await stockFigures(container, inventoryItemIds[0])).toMatchObject({
          reserved: 4,
          reservationSum: 4,
        })
      })

      it("concurrent direct claims with no outside lock never take more than the stock", async () => {
        const container = getContainer()
        const { inventoryItemIds } = await createStockedProduct(container, seed, {
          handle: "direct",
          skus: ["DIRECT-1"],
          stock: { [berlin]: 7 },
        })
        const outcomes = await Promise.allSettled(
          Array.from({ length: 30 }, (_, i) =>
            service().claimStock({
              key: `test:direct:${i}`,
              cart_id: `cart_direct_${i}`,
              location_ids: [berlin],
              lines: [{ inventory_item_id: inventoryItemIds[0], quantity: 1, sku: "DIRECT-1" }],
            })
          )
        )
        const ok = outcomes.filter((o) => o.status === "fulfilled")
        const refused = outcomes.filter((o) => o.status === "rejected") as PromiseRejectedResult[]
        expect(ok).toHaveLength(7)
        expect(refused).toHaveLength(23)
        expect(refused.every((r) => /DIRECT-1: 1 requested, 0 available/.test(r.reason.message))).toBe(true)
        const held = await service().listStockClaims({ status: "held" })
        expect(held.filter((c) => c.cart_id.startsWith("cart_direct_"))).toHaveLength(7)
      })
    })

    describe("reconciliation and the admin ledger", () => {
      it("releases stale orphan claims, and the admin lists claims by status", async () => {
        const container = getContainer()
        const { inventoryItemIds } = await createStockedProduct(container, seed, {
          handle: "orphan",
          skus: ["ORPHAN-1"],
          stock: { [berlin]: 4 },
        })
        // A checkout that died after claiming: its claim holds 3 units.
        const { result } = await service().claimStock({
          key: "test:orphan",
          cart_id: "cart_orphan",
          location_ids: [berlin],
          lines: [{ inventory_item_id: inventoryItemIds[0], quantity: 3, sku: "ORPHAN-1" }],
        })
        expect((await service().previewAvailability(inventoryItemIds, [berlin])).get(inventoryItemIds[0])).toBe(1)

        const admin = await adminHeaders(api, seed.admin.email, seed.admin.password)
        const listed = async (status: string) =>
          (await api.get(`/admin/inventory-dedup/claims?status=${status}`, admin)).data.claims.map((c: any) => [c.id, c.status])
        expect(await listed("held")).toContainEqual([result.claim_id, "held"])
        expect((await listed("released")).map(([id]: [string]) => id)).not.toContain(result.claim_id)

        // Not stale yet, and its owner (this process) is alive: left alone.
        const { result: first } = await reconcileStockClaimsWorkflow(container).run({ input: { stale_minutes: 30 } })
        expect(first.carts).not.toContain("cart_orphan")
        await recoverAbandonedCheckouts(container)
        expect((await service().retrieveStockClaim(result.claim_id!)).status).toBe("held")

        await service().updateStockClaims({ id: result.claim_id!, created_at: new Date(Date.now() - 3600_000) } as any)
        const { result: run } = await reconcileStockClaimsWorkflow(container).run({ input: { stale_minutes: 30 } })
        expect(run.carts).toContain("cart_orphan")
        // No order came of the cart: the claim goes back.
        await recoverAbandonedCheckouts(container)
        expect((await service().retrieveStockClaim(result.claim_id!)).status).toBe("released")
        expect((await service().previewAvailability(inventoryItemIds, [berlin])).get(inventoryItemIds[0])).toBe(4)

        // The ledger filters by status: the claim moved from one list to the other.
        expect(await listed("released")).toContainEqual([result.claim_id, "released"])
        expect((await listed("held")).map(([id]: [string]) => id)).not.toContain(result.claim_id)
      })

      it("answers bad ledger queries with 400 naming the field, strangers with 401", async () => {
        const admin = await adminHeaders(api, seed.admin.email, seed.admin.password)
        const bad = await api.get("/admin/inventory-dedup/claims?limit=0", { ...admin, validateStatus: () => true })
        expect(bad.status).toBe(400)
        expect(bad.data.message).toMatch(/limit/)
        const badStatus = await api.get("/admin/inventory-dedup/claims?status=lost", { ...admin, validateStatus: () => true })
        expect(badStatus.status).toBe(400)
        expect(badStatus.data.message).toMatch(/status/)
        const anonymous = await api.get("/admin/inventory-dedup/claims", { validateStatus: () => true })
        expect(anonymous.status).toBe(401)
      })
    })
  },
})
