import { MedusaContainer } from "@medusajs/framework/types"
import { CartStockNeeds, INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../modules/inventory-dedup"

export type { CartStockNeeds }

/**
 * What completing a cart will reserve: every stock-managed, non-backorder line expanded
 * into its inventory items (a bundle variant can draw on several), and the stock
 * locations of the cart's sales channel that core may reserve from (one read, see
 * `readCartStockNeeds`).
 */
export async function getCartStockNeeds(container: MedusaContainer, cartId: string): Promise<CartStockNeeds | null> {
  const service: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
  const needs = await service.readCartStockNeeds(cartId)
  if (!needs) {
    return null
  }
  const { customer_id, ...rest } = needs
  return rest
}
