import { medusaIntegrationTestRunner } from "../helpers/runner"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { FLASH_SALE_SKU } from "../../src/scripts/seed/catalog"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../src/modules/inventory-dedup"
import {
  adminHeaders,
  completeCart,
  prepareCart,
  registerCustomer,
  storeHeaders,
} from "../helpers/storefront"

jest.setTimeout(240 * 1000)

medusaIntegrationTestRunner({
  inApp: true,
  env: {},
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult

    beforeAll(async () => {
      seed = await seedDemoData(getContainer())
    })

    describe("demo shop", () => {
      it("lists the seeded products to a storefront with the publishable key", async () => {
        const { data } = await api.get("/store/products?limit=50", storeHeaders(seed.publishableKey))
        expect(data.count).toBeGreaterThanOrEqual(10)
        expect(data.products.map((p: any) => p.handle)).toEqual(
          expect.arrayContaining(["espresso-beans", "geisha-limited", "barista-apron"])
        )
      })

      it("rejects store calls without a publishable key, OmniFlow's store routes included", async () => {
        // Core's own routes and OmniFlow's recommendations alike; with the seeded key,
        // OmniFlow answers.
        const recommendations = `/store/products/${seed.variantsBySku["ESPRESSO-250G"].productId}/recommendations`
        for (const path of ["/store/products", recommendations]) {
          const res = await api.get(path, { validateStatus: () => true })
          expect({ path, status: res.status }).toEqual({ path, status: 400 })
          expect(res.data.message).toMatch(/publishable/i)
        }
        const served = await api.get(recommendations, storeHeaders(seed.publishableKey))
        expect(served.status).toBe(200)
        expect(served.data.recommendations.length).toBeGreaterThan(0)
      })

      it("creates nothing new when the seed runs a second time", async () => {
        const container = getContainer()
        const count = async () => ({
          products: (await container.resolve(Modules.PRODUCT).listProducts({})).length,
          locations: (await container.resolve(Modules.STOCK_LOCATION).listStockLocations({})).length,
          levels: (await container.resolve(Modules.INVENTORY).listInventoryLevels({})).length,
          options: (await container.resolve(Modules.FULFILLMENT).listShippingOptions({})).length,
          customers: (await container.resolve(Modules.CUSTOMER).listCustomers({})).length,
        })
        const before = await count()
        const again = await seedDemoData(container)
        expect(await count()).toEqual(before)
        expect(again.publishableKey).toBe(seed.publishableKey)
        expect(before.locations).toBe(2)
        expect(before.options).toBe(2)
      })
    })

    describe("storefront checkout", () => {
      it("places an order that the customer reads back and the admin finds", async () => {
        const key = seed.publishableKey
        const customer = await registerCustomer(api, key, "shopper@example.com")
        const espresso = seed.variantsBySku["ESPRESSO-250G"]
        const mug = seed.variantsBySku["MUG-WHITE"]

        const cartId = await prepareCart(api, key, {
          regionId: seed.regionId,
          token: customer.token,
          email: "shopper@example.com",
          items: [
            { variant_id: espresso.id, quantity: 2 },
            { variant_id: mug.id, quantity: 1 },
          ],
        })
        const placed = await completeCart(api, key, cartId, customer.token)
        expect(placed.status).toBe(200)
        expect(placed.body.type).toBe("order")
        const order = placed.body.order
        expect(order.email).toBe("shopper@example.com")
        // 2 × 9.50 + 14 + 5 shipping
        expect(order.total).toBe(38)

        const { data: mine } = await api.get(`/store/orders/${order.id}`, storeHeaders(key, customer.token))
        expect(mine.order.id).toBe(order.id)
        expect(mine.order.items.map((i: any) => [i.variant_sku, i.quantity]).sort()).toEqual([
          ["ESPRESSO-250G", 2],
          ["MUG-WHITE", 1],
        ])

        const admin = await adminHeaders(api, seed.admin.email, seed.admin.password)
        const { data: list } = await api.get("/admin/orders?fields=id,email", admin)
        expect(list.orders.map((o: any) => o.id)).toContain(order.id)

        // OmniFlow claimed the cart's stock when "place order" arrived and handed the claim
        // over to core's reservations of both lines: converted, for this order.
        const inventory = getContainer().resolve(Modules.INVENTORY)
        const reservations = await inventory.listReservationItems({
          line_item_id: order.items.map((i: any) => i.id),
        })
        expect(reservations.map((r) => Number(r.quantity)).sort()).toEqual([1, 2])
        const claims = await getContainer()
          .resolve<InventoryDedupModuleService>(INVENTORY_DEDUP_MODULE)
          .listStockClaims({ cart_id: cartId })
        expect(claims.map((c) => [c.status, c.order_id, c.source])).toEqual([["converted", order.id, "admission"]])
        expect((claims[0].lines as unknown as { sku: string; quantity: number }[]).map((l) => [l.sku, l.quantity]).sort()).toEqual([
          ["ESPRESSO-250G", 2],
          ["MUG-WHITE", 1],
        ])
      })

      it("refuses to complete a cart whose variant sold out meanwhile, with a clear 4xx", async () => {
        const key = seed.publishableKey
        const flash = seed.variantsBySku[FLASH_SALE_SKU]
        // Two buyers put 2 of the 3 flash-sale units in their carts; the second one is late.
        const first = await prepareCart(api, key, {
          regionId: seed.regionId,
          items: [{ variant_id: flash.id, quantity: 2 }],
        })
        const second = await prepareCart(api, key, {
          regionId: seed.regionId,
          items: [{ variant_id: flash.id, quantity: 2 }],
        })
        expect((await completeCart(api, key, first)).status).toBe(200)

        // Answered by OmniFlow's guard on arrival, naming what is short (core alone answers a
        // generic "does not have the required inventory" from inside its workflow).
        const late = await completeCart(api, key, second)
        expect(late.status).toBe(400)
        expect(late.body).toMatchObject({
          code: "out_of_stock",
          message: `Out of stock — ${FLASH_SALE_SKU}: 2 requested, 1 available`,
          shortages: [{ sku: FLASH_SALE_SKU, requested: 2, available: 1 }],
        })

        const query = getContainer().resolve(ContainerRegistrationKeys.QUERY)
        const { data: orders } = await query.graph({ entity: "order", fields: ["id"] })
        expect(orders).toHaveLength(1)
      })
    })

    describe("admin", () => {
      it("lets the seeded admin log in with the seeded password, and rejects a wrong one with 401", async () => {
        const admin = await adminHeaders(api, seed.admin.email, seed.admin.password)
        const { data: me } = await api.get("/admin/users/me", admin)
        expect(me.user.email).toBe(seed.admin.email)
        const res = await api.post(
          "/auth/user/emailpass",
          { email: seed.admin.email, password: "wrong" },
          { validateStatus: () => true }
        )
        expect(res.status).toBe(401)
      })
    })
  },
})
