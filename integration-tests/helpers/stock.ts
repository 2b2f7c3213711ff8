import {
  createInventoryItemsWorkflow,
  createProductsWorkflow,
} from "@medusajs/medusa/core-flows"
import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules, ProductStatus } from "@medusajs/framework/utils"
import { SeedResult } from "../../src/scripts/seed"

/**
 * A product whose variants draw on inventory items made here, so a test controls the
 * exact stock. `shared: true` makes every variant draw on one item (a bundle).
 */
export async function createStockedProduct(
  container: MedusaContainer,
  seed: SeedResult,
  opts: { handle: string; skus: string[]; stock: Record<string, number>; shared?: boolean }
) {
  const items = opts.shared ? [opts.handle.toUpperCase()] : opts.skus.map((s) => `${s}-ITEM`)
  const { result: inventoryItems } = await createInventoryItemsWorkflow(container).run({
    input: {
      items: items.map((sku) => ({
        sku,
        location_levels: Object.entries(opts.stock).map(([location_id, stocked_quantity]) => ({
          location_id,
          stocked_quantity,
        })),
      })),
    },
  })
  const { result: products } = await createProductsWorkflow(container).run({
    input: {
      products: [
        {
          title: opts.handle,
          handle: opts.handle,
          status: ProductStatus.PUBLISHED,
          shipping_profile_id: seed.shippingProfileId,
          options: [{ title: "Kind", values: opts.skus }],
          variants: opts.skus.map((sku, i) => ({
            title: sku,
            sku,
            options: { Kind: sku },
            manage_inventory: true,
            inventory_items: [
              { inventory_item_id: inventoryItems[opts.shared ? 0 : i].id, required_quantity: 1 },
            ],
            prices: [{ amount: 10, currency_code: "eur" }],
          })),
          sales_channels: [{ id: seed.salesChannelId }],
        },
      ],
    },
  })
  const variants = Object.fromEntries(products[0].variants.map((v) => [v.sku!, v.id]))
  return { variants, inventoryItemIds: inventoryItems.map((i) => i.id) }
}

/** The figures a shop owner checks: stocked, reserved, the reservations behind them. */
export async function stockFigures(container: MedusaContainer, inventoryItemId: string) {
  const inventory = container.resolve(Modules.INVENTORY)
  const levels = await inventory.listInventoryLevels({ inventory_item_id: inventoryItemId })
  const reservations = await inventory.listReservationItems({ inventory_item_id: inventoryItemId })
  return {
    stocked: levels.reduce((s, l) => s + Number(l.stocked_quantity), 0),
    reserved: levels.reduce((s, l) => s + Number(l.reserved_quantity), 0),
    reservationSum: reservations.reduce((s, r) => s + Number(r.quantity), 0),
    reservations,
  }
}

export async function countOrders(container: MedusaContainer) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "order", fields: ["id", "items.id"] })
  return data
}
