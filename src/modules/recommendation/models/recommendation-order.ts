import { model } from "@medusajs/framework/utils"

/**
 * One row per order that currently counts in the model. The unique `order_id` is what makes
 * applying an order idempotent: a replayed `order.placed` finds the row and changes nothing,
 * and taking an order out deletes the row so it can never be subtracted twice.
 * `weight` is 1 unless a rebuild applied time decay.
 */
export const RecommendationOrder = model
  .define("recommendation_order", {
    id: model.id({ prefix: "rcord" }).primaryKey(),
    order_id: model.text().unique(),
    weight: model.float().default(1),
    product_count: model.number(),
    placed_at: model.dateTime().nullable(),
  })
