import { model } from "@medusajs/framework/utils"

/**
 * One row per inventory item, locked FOR UPDATE (in id order) while a claim is decided.
 * It carries no counters: availability is always recomputed from the source rows under
 * the lock, so there is nothing to drift.
 */
export const StockGuard = model.define("inventory_dedup_guard", {
  id: model.id({ prefix: "iguard" }).primaryKey(),
  inventory_item_id: model.text().unique(),
})
