import { medusaIntegrationTestRunner } from "../helpers/runner"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createOrderWorkflow } from "@medusajs/medusa/core-flows"
import { MedusaContainer } from "@medusajs/framework/types"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../src/modules/inventory-dedup"
import { recoverAbandonedCheckouts } from "../../src/jobs/reconcile-stock-claims"
import { adminHeaders, completeCart, completeCartRetrying, prepareCart } from "../helpers/storefront"
import { stockFigures } from "../helpers/stock"
import { waitFor } from "../helpers/wait"

jest.setTimeout(240 * 1000)

/**
 * What a SIGKILL leaves behind mid-checkout, made by hand so each case is exact: the cart's
 * claim held by a process that no longer exists (an owner key nobody holds), and — when
 * the completion got that far — the order core created, without its cart link, its
 * reservation or its authorised payment. The crash suite (crash.spec.ts) kills real
 * processes; this one checks each recovery path's details.
 */
const DEAD_OWNER = 424242

medusaIntegrationTestRunner({
  inApp: true,
  env: {},
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    let container: MedusaContainer
    const SKU = "GRINDER-STEEL"

    beforeAll(async () => {
      container = getContainer()
      seed = await seedDemoData(container)
    })

    const service = () => container.resolve<InventoryDedupModuleService>(INVENTORY_DEDUP_MODULE)
    const query = () => container.resolve(ContainerRegistrationKeys.QUERY)
    const item = () => seed.variantsBySku[SKU].inventoryItemId

    /** A cart ready to complete, and the held claim a dead process left for it. */
    async function cutOffCart() {
      const cartId = await prepareCart(api, seed.publishableKey, {
        regionId: seed.regionId,
        items: [{ variant_id: seed.variantsBySku[SKU].id, quantity: 1 }],
      })
      const [claim] = await service().createStockClaims([
        {
          key: `test:${cartId}`,
          cart_id: cartId,
          sales_channel_id: seed.salesChannelId,
          status: "held",
          source: "admission",
          adopted_at: new Date(),
          owner: DEAD_OWNER,
          lines: [{ inventory_item_id: item(), quantity: 1, sku: SKU }] as unknown as Record<string, unknown>,
        },
      ])
      return { cartId, claimId: claim.id }
    }

    /** The order core created from the cart before the process died: no link, no reservation. */
    async function orderCreatedFrom(cartId: string) {
      const { data } = await query().graph({
        entity: "cart",
        fields: ["id", "email", "customer_id", "region_id", "sales_channel_id", "currency_code", "items.variant_id", "items.quantity"],
        filters: { id: cartId },
      })
      const cart = data[0] as any
      const { result } = await createOrderWorkflow(container).run({
        input: {
          email: cart.email,
          customer_id: cart.customer_id,
          region_id: cart.region_id,
          sales_channel_id: cart.sales_channel_id,
          currency_code: cart.currency_code,
          items: cart.items.map((i: any) => ({ variant_id: i.variant_id, quantity: i.quantity })),
        } as any,
      })
      return result.id as string
    }

    const cartLinks = async (cartId: string) =>
      (await query().graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })).data.map(
        (l: any) => l.order_id
      )

    it("a buyer retrying a cart whose completion died gets the order that exists, finished", async () => {
      const before = await stockFigures(container, item())
      const { cartId, claimId } = await cutOffCart()
      const orderId = await orderCreatedFrom(cartId)
      expect(await cartLinks(cartId)).toEqual([])

      // As a storefront retries: a 409 with Retry-After (the boot job or reconciliation may
      // be finishing the same checkout right now) is tried again after it.
      const retried = await completeCartRetrying(api, seed.publishableKey, cartId)
      expect(retried.status).toBe(200)
      expect(retried.body.order.id).toBe(orderId)

      // Finished as core would have: linked, reserved once, cart completed, claim converted, flow started.
      expect(await cartLinks(cartId)).toEqual([orderId])
      const after = await stockFigures(container, item())
      expect(after.reservationSum - before.reservationSum).toBe(1)
      expect(after.reservations.filter((r: any) => r.external_id === `order:${orderId}:recover-reserve`)).toHaveLength(1)
      const claim = await service().retrieveStockClaim(claimId)
      expect([claim.status, claim.order_id, claim.alert]).toEqual(["converted", orderId, null])
      const { data: carts } = await query().graph({ entity: "cart", fields: ["completed_at"], filters: { id: cartId } })
      expect(carts[0].completed_at).toBeTruthy()
      const admin = await adminHeaders(api, seed.admin.email, seed.admin.password)
      await waitFor(
        () => api.get(`/admin/orders/${orderId}/omniflow`, admin).then((r) => r.data.omniflow.flow?.stage),
        (stage) => !!stage && stage !== "assessing",
        { what: "the recovered order's flow to start" }
      )

      // A second retry, or a reconciliation run, changes nothing.
      const again = await completeCart(api, seed.publishableKey, cartId)
      expect([again.status, again.body.order?.id]).toEqual([200, orderId])
      await recoverAbandonedCheckouts(container)
      expect((await stockFigures(container, item())).reservationSum).toBe(after.reservationSum)
      expect(await cartLinks(cartId)).toEqual([orderId])
    })

    it("a dead claim whose cart never became an order is released, and the retry places the order", async () => {
      const { cartId, claimId } = await cutOffCart()
      const retried = await completeCartRetrying(api, seed.publishableKey, cartId)
      expect(retried.status).toBe(200)
      expect(await cartLinks(cartId)).toEqual([retried.body.order.id])
      expect((await service().retrieveStockClaim(claimId)).status).toBe("released")
      const live = await service().listStockClaims({ cart_id: cartId, status: "converted" })
      expect(live).toHaveLength(1)
    })

    it("a completion whose claim belongs to a live process is answered 409 with Retry-After, not recovered", async () => {
      const cartId = await prepareCart(api, seed.publishableKey, {
        regionId: seed.regionId,
        items: [{ variant_id: seed.variantsBySku[SKU].id, quantity: 1 }],
      })
      // Claimed by this (living) process, as a completion in flight would be.
      const { result } = await service().claimStock({
        key: `test:live:${cartId}`,
        cart_id: cartId,
        location_ids: Object.values(seed.stockLocations),
        lines: [{ inventory_item_id: item(), quantity: 1, sku: SKU }],
        source: "admission",
      })
      const res = await api.post(`/store/carts/${cartId}/complete`, {}, {
        headers: { "x-publishable-api-key": seed.publishableKey },
        validateStatus: () => true,
      })
      expect(res.status).toBe(409)
      expect(res.data.code).toBe("checkout_in_progress")
      expect(res.headers["retry-after"]).toBe("1")
      expect((await service().retrieveStockClaim(result.claim_id!)).status).toBe("held")
    })

    it("an order whose stock was sold before it could be recovered is an alert and waits for a person", async () => {
      const { cartId, claimId } = await cutOffCart()
      const orderId = await orderCreatedFrom(cartId)
      // Meanwhile every unit went elsewhere (outside the guard).
      const inventory = container.resolve(Modules.INVENTORY)
      const levels = await inventory.listInventoryLevels({ inventory_item_id: item() })
      await inventory.updateInventoryLevels(
        levels.map((l) => ({ inventory_item_id: item(), location_id: l.location_id, stocked_quantity: Number(l.reserved_quantity) }))
      )

      await recoverAbandonedCheckouts(container)

      const claim = await service().retrieveStockClaim(claimId)
      expect(claim.status).toBe("converted")
      expect(claim.alert).toMatch(new RegExp(`${SKU} 1 unit`))
      expect(await cartLinks(cartId)).toEqual([orderId])
      const admin = await adminHeaders(api, seed.admin.email, seed.admin.password)
      const flow = await waitFor(
        () => api.get(`/admin/orders/${orderId}/omniflow`, admin).then((r) => r.data.omniflow),
        (f: any) => f.flow?.stage === "under_review",
        { what: "the order to be held for review" }
      )
      expect((flow as any).flow.risk_reasons.map((r: any) => r.rule)).toContain("stock_unreserved")
    })
  },
})
