import { createOrderWorkflow } from "@medusajs/medusa/core-flows"
import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { rebuildRecommendationsWorkflow } from "../../workflows/recommendation"
import { CUSTOMERS, PRODUCTS, REGION } from "./catalog"

/**
 * Past baskets of the demo shop, so "frequently bought together" has something to say right
 * after `npm run dev`. Espresso goes with mugs and frothers, pour-over gear with filters and
 * kettles; the apron, the limited Geisha, decaf and the travel mug have (almost) no
 * co-purchases and show the content-similarity fallback.
 */
export const HISTORIC_BASKETS: string[][] = [
  ["ESPRESSO-250G", "MUG-WHITE", "FROTHER-SILVER"],
  ["ESPRESSO-1KG", "FROTHER-SILVER"],
  ["FILTER-250G", "DRIPPER-CERAMIC", "FILTERS-100"],
  ["FILTER-1KG", "FILTERS-100", "KETTLE-EU"],
  ["DRIPPER-CERAMIC", "FILTERS-100", "SCALE-BLACK"],
  ["FILTER-250G", "GRINDER-STEEL", "FILTERS-100"],
  ["ESPRESSO-250G", "SCALE-BLACK", "MUG-BLACK"],
  ["DECAF-250G", "TRAVEL-MUG-350"],
  ["DRIPPER-CERAMIC", "KETTLE-EU"],
  ["ESPRESSO-250G", "GRINDER-STEEL"],
  ["ESPRESSO-250G", "MUG-WHITE"],
  ["FILTER-250G", "DRIPPER-CERAMIC"],
]

const MARKER = "omniflow_seed_history"

type SeedRefs = {
  regionId: string
  salesChannelId: string
  variantsBySku: Record<string, { id: string }>
}

/**
 * Places the historic orders that are missing (each carries its basket number in its
 * metadata, so a second run creates nothing), then rebuilds the recommendation model from
 * all orders if anything was created. Orders are created directly, not through carts:
 * they are history, so they neither reserve stock nor emit `order.placed`.
 */
export async function seedHistoricOrders(
  container: MedusaContainer,
  refs: SeedRefs,
  log: (message: string) => void = () => {}
): Promise<{ created: number }> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const customers = await container
    .resolve(Modules.CUSTOMER)
    .listCustomers({ email: CUSTOMERS.map((c) => c.email) })
  if (!customers.length) {
    return { created: 0 }
  }
  const { data: existing } = await query.graph({
    entity: "order",
    fields: ["id", "metadata"],
    filters: { customer_id: customers.map((c) => c.id) },
  })
  const done = new Set(existing.map((o) => (o.metadata as Record<string, unknown> | null)?.[MARKER]))

  const catalogue = new Map(
    PRODUCTS.flatMap((p) => p.variants.map((v) => [v.sku, { title: p.title, price: v.price }] as const))
  )
  let created = 0
  for (const [i, basket] of HISTORIC_BASKETS.entries()) {
    const number = i + 1
    if (done.has(number)) {
      continue
    }
    const customer = customers[i % customers.length]
    const address = {
      first_name: customer.first_name ?? "",
      last_name: customer.last_name ?? "",
      address_1: "Unter den Linden 1",
      city: "Berlin",
      country_code: REGION.countries[0],
      postal_code: "10117",
    }
    await createOrderWorkflow(container).run({
      input: {
        region_id: refs.regionId,
        sales_channel_id: refs.salesChannelId,
        customer_id: customer.id,
        email: customer.email,
        status: "completed",
        shipping_address: address,
        billing_address: address,
        items: basket.map((sku) => ({
          variant_id: refs.variantsBySku[sku].id,
          title: catalogue.get(sku)!.title,
          unit_price: catalogue.get(sku)!.price,
          quantity: 1,
        })),
        metadata: { [MARKER]: number },
      },
    })
    created++
  }
  if (created) {
    await rebuildRecommendationsWorkflow(container).run()
  }
  log(`      ${created} historic orders created, ${HISTORIC_BASKETS.length - created} already there`)
  return { created }
}
