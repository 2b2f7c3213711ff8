import { createShippingOptionsWorkflow } from "@medusajs/medusa/core-flows"
import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { SeedResult } from "../../src/scripts/seed"
import { FAILING_FULFILLMENT_PROVIDER_ID, FailingFulfillmentData } from "../providers/failing-fulfillment"
import { ADDRESS, Api, CartLine, storeHeaders } from "./storefront"

/**
 * Test helpers for split shipment. They need `OMNIFLOW_TEST_PROVIDERS=true` set before the
 * runner loads medusa-config.ts, which then registers the failing fulfilment provider.
 */

/**
 * A shipping option served by the test fulfilment provider from `serviceZoneOf`'s service
 * zone. Every fulfilment of an order that chose it goes through that provider — core takes
 * the provider from the order's shipping method, whatever location ships — and the ones at
 * `failAt` locations fail with `message`.
 */
export async function createFailingShippingOption(
  container: MedusaContainer,
  seed: SeedResult,
  opts: { serviceZoneOf: string; failAt: string[]; message: string; failUntil?: Date }
): Promise<string> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  // Core only offers a provider's options at locations the provider is enabled for.
  await link.create(
    Object.values(seed.stockLocations).map((stock_location_id) => ({
      [Modules.STOCK_LOCATION]: { stock_location_id },
      [Modules.FULFILLMENT]: { fulfillment_provider_id: FAILING_FULFILLMENT_PROVIDER_ID },
    }))
  )
  const { data } = await query.graph({
    entity: "stock_location",
    fields: ["id", "fulfillment_sets.service_zones.id"],
    filters: { id: opts.serviceZoneOf },
  })
  const serviceZoneId = (data[0] as any)?.fulfillment_sets?.[0]?.service_zones?.[0]?.id
  if (!serviceZoneId) {
    throw new Error(`No service zone at location ${opts.serviceZoneOf}`)
  }
  const failure: FailingFulfillmentData = {
    fail_at_location_ids: opts.failAt,
    fail_message: opts.message,
    fail_until: opts.failUntil?.toISOString() ?? null,
  }
  const { result } = await createShippingOptionsWorkflow(container).run({
    input: [
      {
        name: `Carrier that fails (${opts.message})`,
        price_type: "flat",
        provider_id: FAILING_FULFILLMENT_PROVIDER_ID,
        service_zone_id: serviceZoneId,
        shipping_profile_id: seed.shippingProfileId,
        type: { label: "Test carrier", description: "Fails on demand.", code: "omniflow-test" },
        data: failure,
        prices: [
          { currency_code: "eur", amount: 5 },
          { region_id: seed.regionId, amount: 5 },
        ],
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" },
          { attribute: "is_return", value: "false", operator: "eq" },
        ],
      },
    ],
  })
  return result[0].id
}

/**
 * Like storefront's prepareCart, but with the shipping option the test names rather than
 * the first one offered. Returns the cart id.
 */
export async function prepareCartWithOption(
  api: Api,
  publishableKey: string,
  opts: { regionId: string; items: CartLine[]; optionId: string; email?: string }
): Promise<string> {
  const h = storeHeaders(publishableKey)
  try {
    const { data } = await api.post("/store/carts", { region_id: opts.regionId, items: opts.items }, h)
    const cartId = data.cart.id as string
    await api.post(
      `/store/carts/${cartId}`,
      {
        email: opts.email ?? `buyer-${Math.random().toString(36).slice(2, 10)}@example.com`,
        shipping_address: ADDRESS,
        billing_address: ADDRESS,
      },
      h
    )
    await api.post(`/store/carts/${cartId}/shipping-methods`, { option_id: opts.optionId }, h)
    const { data: pc } = await api.post("/store/payment-collections", { cart_id: cartId }, h)
    await api.post(
      `/store/payment-collections/${pc.payment_collection.id}/payment-sessions`,
      { provider_id: "pp_system_default" },
      h
    )
    return cartId
  } catch (e: any) {
    if (e?.response) {
      throw new Error(`${e.config?.method} ${e.config?.url} → ${e.response.status} ${JSON.stringify(e.response.data)}`)
    }
    throw e
  }
}

/**
 * What core's order module holds at the order's current version, counted in the tables:
 * an order whose version was written twice at once has every line, shipping method and
 * summary twice there.
 */
export async function rowsAtCurrentVersion(container: MedusaContainer, orderId: string) {
  const pg = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  const { rows } = await pg.raw(
    `select o.version,
       (select count(*) from order_item t where t.order_id = o.id and t.version = o.version and t.deleted_at is null) as items,
       (select count(*) from order_shipping t where t.order_id = o.id and t.version = o.version and t.deleted_at is null) as shipping_methods,
       (select count(*) from order_summary t where t.order_id = o.id and t.version = o.version and t.deleted_at is null) as summaries
     from "order" o where o.id = ?`,
    [orderId]
  )
  const r = rows[0]
  return {
    version: Number(r.version),
    items: Number(r.items),
    shipping_methods: Number(r.shipping_methods),
    summaries: Number(r.summaries),
  }
}

/** The order as core's admin API shows it, fulfilment status and totals included. */
export async function adminOrder(api: Api, admin: { headers: Record<string, string> }, orderId: string) {
  const fields = [
    "id",
    "version",
    "total",
    "fulfillment_status",
    "*items",
    "items.detail.fulfilled_quantity",
    "*shipping_methods",
    "*fulfillments",
    "fulfillments.items.line_item_id",
    "fulfillments.items.quantity",
  ].join(",")
  const { data } = await api.get(`/admin/orders/${orderId}?fields=${encodeURIComponent(fields)}`, admin)
  return data.order
}
