import { medusaIntegrationTestRunner } from "../helpers/runner"
import { MedusaContainer } from "@medusajs/framework/types"
import { Modules, ProductStatus } from "@medusajs/framework/utils"
import { createProductsWorkflow, createSalesChannelsWorkflow } from "@medusajs/medusa/core-flows"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { seedHistoricOrders, HISTORIC_BASKETS } from "../../src/scripts/seed/historic-orders"
import { RECOMMENDATION_MODULE } from "../../src/modules/recommendation"
import { retireRecommendationCache } from "../../src/modules/recommendation/response-cache"
import RecommendationModuleService from "../../src/modules/recommendation/service"
import { recordOrderCopurchasesWorkflow } from "../../src/workflows/recommendation"
import {
  adminHeaders,
  Api,
  completeCart,
  prepareCart,
  registerCustomer,
  storeHeaders,
} from "../helpers/storefront"

jest.setTimeout(240 * 1000)

async function waitFor<T>(probe: () => Promise<T>, until: (value: T) => boolean, timeoutMs = 20000): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await probe()
    if (until(value)) {
      return value
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out waiting, last value: ${JSON.stringify(value)}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

medusaIntegrationTestRunner({
  inApp: true,
  env: {},
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult

    beforeAll(async () => {
      seed = await seedDemoData(getContainer())
    })

    // Module-level writes (and the runner restoring the database between tests) happen
    // behind the response cache's back; workflows and admin routes retire it themselves.
    const retireCache = async () => {
      const cache = getContainer().resolve(Modules.CACHE)
      await retireRecommendationCache(cache, "model")
      await retireRecommendationCache(cache, "catalogue")
    }
    beforeEach(retireCache)

    const product = (sku: string) => seed.variantsBySku[sku].productId
    const service = () => getContainer().resolve<RecommendationModuleService>(RECOMMENDATION_MODULE)
    const countedOrders = (n: number) =>
      waitFor(() => service().getStats(), (s) => s.orders_counted === n)

    async function placeOrder(skus: string[], customer?: { token: string; email: string }) {
      const cartId = await prepareCart(api as Api, seed.publishableKey, {
        regionId: seed.regionId,
        token: customer?.token,
        email: customer?.email,
        items: skus.map((sku) => ({ variant_id: seed.variantsBySku[sku].id, quantity: 1 })),
      })
      const placed = await completeCart(api as Api, seed.publishableKey, cartId, customer?.token)
      expect(placed.status).toBe(200)
      return placed.body.order.id as string
    }

    const recommendations = async (productId: string, query = "") => {
      const res = await api.get(`/store/products/${productId}/recommendations${query}`, {
        ...storeHeaders(seed.publishableKey),
        validateStatus: () => true,
      })
      return res
    }

    const pick = (recs: any[]) => recs.map((r) => [r.handle, r.score, r.source])

    describe("co-purchases from placed orders", () => {
      it("turns store orders into cosine-ranked recommendations with store prices", async () => {
        await placeOrder(["ESPRESSO-250G", "MUG-WHITE"])
        const second = await placeOrder(["ESPRESSO-250G", "MUG-WHITE", "FROTHER-SILVER"])
        await placeOrder(["ESPRESSO-250G", "SCALE-BLACK"])
        await countedOrders(3)

        const res = await recommendations(product("ESPRESSO-250G"), `?region_id=${seed.regionId}`)
        expect(res.status).toBe(200)
        const { recommendations: recs, count } = res.data
        expect(count).toBe(recs.length)
        expect(count).toBeLessThanOrEqual(10)
        // n(espresso) 3, n(mug) 2, n(frother) 1, n(scale) 1:
        // 2/√(3·2) = 0.8165, 1/√(3·1) = 0.5774
        expect(pick(recs.slice(0, 3))).toEqual([
          ["ceramic-mug", 0.8165, "co_purchase"],
          expect.arrayContaining(["co_purchase", 0.5774]),
          expect.arrayContaining(["co_purchase", 0.5774]),
        ])
        expect(recs.slice(1, 3).map((r: any) => r.handle).sort()).toEqual(["coffee-scale", "milk-frother"])
        // The rest of the page is filled by content similarity, never with the product itself.
        expect(recs.slice(3).every((r: any) => r.source === "content")).toBe(true)
        expect(recs.map((r: any) => r.id)).not.toContain(product("ESPRESSO-250G"))
        // Shaped like the store product list, with calculated prices for the region.
        const mug = recs[0]
        expect(mug).toMatchObject({ id: product("MUG-WHITE"), title: "Ceramic Mug" })
        expect(mug.variants.length).toBeGreaterThan(0)
        expect(mug.variants[0].calculated_price).toMatchObject({ calculated_amount: 14, currency_code: "eur" })
        // The same product and prices as core's own store product list shows.
        const core = await api.get(`/store/products?id=${mug.id}&region_id=${seed.regionId}`, storeHeaders(seed.publishableKey))
        const { score, source, ...mugAsProduct } = mug
        expect(mugAsProduct).toEqual(core.data.products[0])
        // With a country, taxes too, as core computes them (a 19 % rate for Germany).
        const taxAdmin = await adminHeaders(api as Api, seed.admin.email, seed.admin.password)
        const { data: regions } = await api.get("/admin/tax-regions?country_code=de", taxAdmin)
        const germany = regions.tax_regions.find((r: any) => !r.parent_id)
        await api.post(
          "/admin/tax-rates",
          { tax_region_id: germany.id, name: "DE VAT", code: "DE19", rate: 19, is_default: true },
          taxAdmin
        )
        const coreTaxed = await api.get(
          `/store/products?id=${mug.id}&region_id=${seed.regionId}&country_code=de`,
          storeHeaders(seed.publishableKey)
        )
        const taxedPrice = coreTaxed.data.products[0].variants[0].calculated_price
        expect(taxedPrice.calculated_amount_with_tax).not.toBe(taxedPrice.calculated_amount_without_tax)
        const taxedQuery = `?region_id=${seed.regionId}&country_code=de`
        const computed = await recommendations(product("ESPRESSO-250G"), taxedQuery)
        const served = await waitFor(
          () => recommendations(product("ESPRESSO-250G"), taxedQuery),
          (res) => res.headers["x-omniflow-cache"] === "hit"
        )
        for (const taxed of [computed, served]) {
          const taxedMug = taxed.data.recommendations.find((r: any) => r.id === mug.id)
          expect(taxedMug.variants).toEqual(coreTaxed.data.products[0].variants)
        }

        const one = await recommendations(product("ESPRESSO-250G"), "?limit=1")
        expect(one.data.count).toBe(1)
        expect(one.data.recommendations[0].handle).toBe("ceramic-mug")
        expect(one.data.recommendations[0].variants[0].calculated_price).toBeUndefined()

        // A replayed order.placed counts once: no co-purchase count or score moves.
        const counted = ["ESPRESSO-250G", "MUG-WHITE", "FROTHER-SILVER", "SCALE-BLACK"].map(product)
        const model = await service().getNeighbours(counted)
        const { result } = await recordOrderCopurchasesWorkflow(getContainer()).run({
          input: { order_id: second },
        })
        expect(result.applied).toBe(false)
        expect(await service().getNeighbours(counted)).toEqual(model)

        // Cancelling takes the order back out: 1/√(2·1) = 0.7071 for both remaining partners.
        const admin = await adminHeaders(api as Api, seed.admin.email, seed.admin.password)
        await api.post(`/admin/orders/${second}/cancel`, {}, admin)
        await countedOrders(2)
        const after = await recommendations(product("ESPRESSO-250G"))
        const coPurchased = after.data.recommendations.filter((r: any) => r.source === "co_purchase")
        expect(pick(coPurchased).sort()).toEqual([
          ["ceramic-mug", 0.7071, "co_purchase"],
          ["coffee-scale", 0.7071, "co_purchase"],
        ])
      })

      it("recommends to a customer what goes with their purchases, never what they bought", async () => {
        const email = "reco-shopper@example.com"
        const customer = await registerCustomer(api as Api, seed.publishableKey, email)
        await placeOrder(["ESPRESSO-250G", "MUG-WHITE"], { token: customer.token, email })
        await placeOrder(["ESPRESSO-250G", "FROTHER-SILVER"])
        await placeOrder(["MUG-WHITE", "SCALE-BLACK"])
        await placeOrder(["ESPRESSO-250G", "MUG-WHITE"])
        await countedOrders(4)

        const res = await api.get("/store/customers/me/recommendations?limit=5", storeHeaders(seed.publishableKey, customer.token))
        expect(res.status).toBe(200)
        const handles = res.data.recommendations.map((r: any) => r.handle)
        expect(handles).not.toContain("espresso-beans")
        expect(handles).not.toContain("ceramic-mug")
        const coPurchased = res.data.recommendations.filter((r: any) => r.source === "co_purchase")
        expect(coPurchased.map((r: any) => r.handle).sort()).toEqual(["coffee-scale", "milk-frother"])
        expect(res.data.count).toBe(5)
      })
    })

    describe("what a storefront may see", () => {
      it("never returns products outside the key's sales channel or unpublished, and 404s on them", async () => {
        const container: MedusaContainer = getContainer()
        const oneVariant = {
          shipping_profile_id: seed.shippingProfileId,
          options: [{ title: "Size", values: ["5 kg"] }],
          variants: [
            {
              title: "5 kg",
              options: { Size: "5 kg" },
              manage_inventory: false,
              prices: [{ amount: 90, currency_code: "eur" }],
            },
          ],
        }
        const { result: channels } = await createSalesChannelsWorkflow(container).run({
          input: { salesChannelsData: [{ name: "Wholesale" }] },
        })
        const { result: created } = await createProductsWorkflow(container).run({
          input: {
            products: [
              {
                title: "Wholesale Espresso Sack",
                status: ProductStatus.PUBLISHED,
                sales_channels: [{ id: channels[0].id }],
                ...oneVariant,
              },
              {
                title: "Unreleased Espresso Blend",
                status: ProductStatus.DRAFT,
                sales_channels: [{ id: seed.salesChannelId }],
                ...oneVariant,
              },
            ],
          },
        })
        const [wholesale, draft] = created.map((p) => p.id)
        const espresso = product("ESPRESSO-250G")
        // Orders from elsewhere (another channel's storefront) feed the model directly.
        for (const order_id of ["ext_1", "ext_2", "ext_3"]) {
          await service().applyOrder({ order_id, product_ids: [espresso, wholesale, draft, product("MUG-WHITE")] })
        }
        await retireCache()
        const [entry] = await service().getNeighbours([espresso])
        expect(entry.neighbours.map((n) => n.product_id)).toEqual(expect.arrayContaining([wholesale, draft]))

        const res = await recommendations(espresso, "?limit=50")
        expect(res.status).toBe(200)
        const ids = res.data.recommendations.map((r: any) => r.id)
        expect(ids[0]).toBe(product("MUG-WHITE"))
        expect(ids).not.toContain(wholesale)
        expect(ids).not.toContain(draft)
        expect(ids).not.toContain(espresso)

        for (const id of [wholesale, draft, "prod_does_not_exist"]) {
          const missing = await recommendations(id)
          expect(missing.status).toBe(404)
        }
      })

      it("skips products without stock when in_stock=true", async () => {
        const espresso = product("ESPRESSO-250G")
        const geisha = product("GEISHA-LIMITED-100G")
        for (const order_id of ["ext_a", "ext_b"]) {
          await service().applyOrder({ order_id, product_ids: [espresso, geisha] })
        }
        await getContainer()
          .resolve(Modules.INVENTORY)
          .updateInventoryLevels([
            {
              inventory_item_id: seed.variantsBySku["GEISHA-LIMITED-100G"].inventoryItemId,
              location_id: seed.stockLocations.berlin,
              stocked_quantity: 0,
            },
          ])
        await retireCache()

        const all = await recommendations(espresso)
        expect(all.data.recommendations[0]).toMatchObject({ id: geisha, source: "co_purchase", score: 1 })
        const inStock = await recommendations(espresso, "?in_stock=true")
        expect(inStock.status).toBe(200)
        expect(inStock.data.recommendations.map((r: any) => r.id)).not.toContain(geisha)
        expect(inStock.data.count).toBeGreaterThan(0)
      })

      it("answers a repeated question from the cache until the model or catalogue changes", async () => {
        const admin = await adminHeaders(api as Api, seed.admin.email, seed.admin.password)
        const espresso = product("ESPRESSO-250G")
        await placeOrder(["ESPRESSO-250G", "MUG-WHITE"])
        await placeOrder(["ESPRESSO-250G", "MUG-WHITE", "SCALE-BLACK"])
        await countedOrders(2)
        const query = `?region_id=${seed.regionId}&limit=3`
        const cacheOf = (res: { headers: Record<string, any> }) => res.headers["x-omniflow-cache"]

        // The order workflows retire the cache as their last step, after the model is
        // updated: wait until a repeated question is answered from the cache.
        const first = await waitFor(
          async () => {
            await recommendations(espresso, query)
            return recommendations(espresso, query)
          },
          (res) => cacheOf(res) === "hit"
        )
        const fresh = await recommendations(espresso, `${query}&in_stock=false`)
        expect(cacheOf(fresh)).toBe("miss")
        expect(first.data.recommendations).toEqual(fresh.data.recommendations)
        expect(first.data.recommendations[0]).toMatchObject({ handle: "ceramic-mug", score: 1 })

        // Every input that can change the answer is part of the question.
        const customer = await registerCustomer(api as Api, seed.publishableKey, "cache-shopper@example.com")
        const asCustomer = await api.get(
          `/store/products/${espresso}/recommendations${query}`,
          storeHeaders(seed.publishableKey, customer.token)
        )
        for (const other of [
          asCustomer,
          await recommendations(espresso, `?region_id=${seed.regionId}&limit=2`),
          await recommendations(espresso, `${query}&country_code=de`),
          await recommendations(espresso, `${query}&country_code=fr`),
        ]) {
          expect(other.status).toBe(200)
          expect(cacheOf(other)).toBe("miss")
        }

        // A new order changes the model: the answer follows without waiting for the TTL.
        await placeOrder(["ESPRESSO-250G", "SCALE-BLACK"])
        await countedOrders(3)
        const afterOrder = await waitFor(
          () => recommendations(espresso, query),
          (res) => res.data.recommendations[0]?.score !== 1,
          5000
        )
        expect(pick(afterOrder.data.recommendations.slice(0, 2)).sort()).toEqual([
          ["ceramic-mug", 0.8165, "co_purchase"],
          ["coffee-scale", 0.8165, "co_purchase"],
        ])

        // A repriced variant shows its new price without waiting for the TTL.
        const mug = seed.variantsBySku["MUG-WHITE"]
        const repriced = await api.post(
          `/admin/products/${mug.productId}/variants/${mug.id}`,
          { prices: [{ currency_code: "eur", amount: 19 }] },
          admin
        )
        expect(repriced.status).toBe(200)
        const mugPrice = async () => {
          const res = await recommendations(espresso, query)
          const rec = res.data.recommendations.find((r: any) => r.handle === "ceramic-mug")
          return rec?.variants.find((v: any) => v.id === mug.id)?.calculated_price?.calculated_amount
        }
        await waitFor(mugPrice, (amount) => amount === 19, 5000)

        // An unpublished product leaves the recommendations.
        const unpublished = await api.post(`/admin/products/${mug.productId}`, { status: "draft" }, admin)
        expect(unpublished.status).toBe(200)
        const handles = async () =>
          (await recommendations(espresso, query)).data.recommendations.map((r: any) => r.handle)
        expect(await waitFor(handles, (h) => !h.includes("ceramic-mug"), 5000)).toContain("coffee-scale")
      })

      it("falls back to content similarity for a product nobody bought yet", async () => {
        const res = await recommendations(product("APRON-S"))
        expect(res.status).toBe(200)
        const recs = res.data.recommendations
        expect(recs.length).toBeGreaterThan(0)
        expect(recs.every((r: any) => r.source === "content")).toBe(true)
        expect(recs.map((r: any) => r.handle)).not.toContain("barista-apron")
        // Same category (Accessories) ranks first.
        expect(["coffee-scale", "milk-frother"]).toContain(recs[0].handle)
        const scores = recs.map((r: any) => r.score)
        expect([...scores].sort((a, b) => b - a)).toEqual(scores)
      })

      it("rejects a bad limit with 400 naming the field, and unknown query keys", async () => {
        for (const limit of ["0", "51", "abc", "2.5"]) {
          const res = await recommendations(product("ESPRESSO-250G"), `?limit=${limit}`)
          expect(res.status).toBe(400)
          expect(res.data.message).toMatch(/limit/)
        }
        const unknown = await recommendations(product("ESPRESSO-250G"), "?colour=red")
        expect(unknown.status).toBe(400)
        expect(unknown.data.message).toMatch(/colour/)
        const country = await recommendations(product("ESPRESSO-250G"), "?country_code=deu")
        expect(country.status).toBe(400)
        expect(country.data.message).toMatch(/country_code/)
        const region = await recommendations(product("ESPRESSO-250G"), "?region_id=reg_missing")
        expect(region.status).toBe(400)
        expect(region.data.message).toMatch(/reg_missing/)
      })

      it("requires a logged-in customer for personal recommendations", async () => {
        const res = await api.get("/store/customers/me/recommendations", {
          ...storeHeaders(seed.publishableKey),
          validateStatus: () => true,
        })
        expect(res.status).toBe(401)
        // Logged in, the same request is answered.
        const customer = await registerCustomer(api as Api, seed.publishableKey, "personal@example.com")
        const mine = await api.get("/store/customers/me/recommendations", storeHeaders(seed.publishableKey, customer.token))
        expect(mine.status).toBe(200)
        expect(mine.data).toEqual({ recommendations: expect.any(Array), count: mine.data.recommendations.length })
      })
    })

    describe("admin", () => {
      it("rebuilds from all non-canceled orders and reports stats", async () => {
        await placeOrder(["ESPRESSO-250G", "MUG-WHITE"])
        const canceled = await placeOrder(["FILTER-250G", "FILTERS-100"])
        await countedOrders(2)
        const admin = await adminHeaders(api as Api, seed.admin.email, seed.admin.password)
        await api.post(`/admin/orders/${canceled}/cancel`, {}, admin)
        await countedOrders(1)

        const rebuilt = await api.post("/admin/recommendations/rebuild", {}, admin)
        expect(rebuilt.status).toBe(200)
        expect(rebuilt.data.workflow_id).toBe("rebuild-recommendations")
        expect(typeof rebuilt.data.transaction_id).toBe("string")
        expect(rebuilt.data.rebuild).toMatchObject({ orders: 1, pairs: 1, products: 2 })

        const { data } = await api.get("/admin/recommendations/stats", admin)
        expect(data.stats).toMatchObject({
          orders_counted: 1,
          pairs: 1,
          products_covered: 2,
          last_rebuild_duration_ms: rebuilt.data.rebuild.duration_ms,
        })
        expect(new Date(data.stats.last_rebuild_at).getTime()).toBeGreaterThan(Date.now() - 60000)
        expect(data.stats.options).toMatchObject({ neighbours: 20, minCoPurchases: 2 })
      })

      it("refuses rebuild and stats without an admin", async () => {
        const customer = await registerCustomer(api as Api, seed.publishableKey, "not-admin@example.com")
        for (const headers of [{}, { authorization: `Bearer ${customer.token}` }]) {
          const rebuild = await api.post("/admin/recommendations/rebuild", {}, { headers, validateStatus: () => true })
          expect(rebuild.status).toBe(401)
          const stats = await api.get("/admin/recommendations/stats", { headers, validateStatus: () => true })
          expect(stats.status).toBe(401)
        }
        // Refused by the routes' authentication, not missing: nothing was rebuilt, and an
        // admin is served by both.
        expect((await service().getStats()).last_rebuild_at).toBeNull()
        const admin = await adminHeaders(api as Api, seed.admin.email, seed.admin.password)
        const rebuilt = await api.post("/admin/recommendations/rebuild", {}, admin)
        expect(rebuilt.status).toBe(200)
        const { data } = await api.get("/admin/recommendations/stats", admin)
        expect(data.stats.last_rebuild_duration_ms).toBe(rebuilt.data.rebuild.duration_ms)
      })
    })

    describe("demo seed", () => {
      it("places the historic orders once and serves recommendations from them", async () => {
        const container = getContainer()
        const first = await seedHistoricOrders(container, seed)
        expect(first.created).toBe(HISTORIC_BASKETS.length)
        const again = await seedHistoricOrders(container, seed)
        expect(again.created).toBe(0)
        expect((await service().getStats()).orders_counted).toBe(HISTORIC_BASKETS.length)

        const res = await recommendations(product("FILTERS-100"))
        const first3 = res.data.recommendations.slice(0, 3)
        expect(first3.every((r: any) => r.source === "co_purchase")).toBe(true)
        expect(first3.map((r: any) => r.handle)).toContain("pour-over-dripper")
      })
    })
  },
})
