import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { ClaimLineInput } from "../../modules/inventory-dedup"

export type CartStockNeeds = {
  cart_id: string
  sales_channel_id: string | null
  location_ids: string[]
  lines: ClaimLineInput[]
}

/**
 * What completing a cart will reserve: every stock-managed, non-backorder line expanded
 * into its inventory items (a bundle variant can draw on several), and the stock
 * locations of the cart's sales channel that core may reserve from.
 */
export async function getCartStockNeeds(
  container: MedusaContainer,
  cartId: string
): Promise<CartStockNeeds | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: carts } = await query.graph({
    entity: "cart",
    fields: [
      "id",
      "sales_channel_id",
      "items.quantity",
      "items.variant_sku",
      "items.variant.manage_inventory",
      "items.variant.allow_backorder",
      "items.variant.inventory_items.inventory_item_id",
      "items.variant.inventory_items.required_quantity",
    ],
    filters: { id: cartId },
  })
  const cart = carts[0]
  if (!cart) {
    return null
  }
  let locationIds: string[] = []
  if (cart.sales_channel_id) {
    const { data: channels } = await query.graph({
      entity: "sales_channel",
      fields: ["id", "stock_locations.id"],
      filters: { id: cart.sales_channel_id },
    })
    locationIds = (channels[0]?.stock_locations ?? []).flatMap((l) => (l?.id ? [l.id] : []))
  }
  const lines: ClaimLineInput[] = []
  for (const item of cart.items ?? []) {
    const variant = item?.variant
    if (!item || !variant?.manage_inventory || variant.allow_backorder) {
      continue
    }
    for (const link of variant.inventory_items ?? []) {
      if (!link) continue
      lines.push({
        inventory_item_id: link.inventory_item_id,
        quantity: Number(link.required_quantity ?? 1) * Number(item.quantity),
        sku: item.variant_sku ?? null,
      })
    }
  }
  return {
    cart_id: cart.id,
    sales_channel_id: cart.sales_channel_id ?? null,
    location_ids: locationIds,
    lines,
  }
}
