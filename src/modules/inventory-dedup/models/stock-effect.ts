import { model } from "@medusajs/framework/utils"

/**
 * The idempotency ledger: one row per stock effect, written in the same transaction as
 * the effect itself. The unique key is what makes a replay a no-op.
 */
export const StockEffect = model.define("inventory_dedup_effect", {
  id: model.id({ prefix: "ideff" }).primaryKey(),
  key: model.text().unique(),
  kind: model.enum(["claim", "release", "convert", "reserve", "restock", "consume", "cancel", "recover"]),
  result: model.json().nullable(),
})
