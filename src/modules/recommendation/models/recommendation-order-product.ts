import { model } from "@medusajs/framework/utils"

/**
 * The distinct products of an applied order, kept so that taking the order out subtracts
 * exactly what was added even if the order's lines have changed since, and so that a full
 * rebuild is one self-join over this table.
 */
export const RecommendationOrderProduct = model
  .define("recommendation_order_product", {
    id: model.id({ prefix: "rcop" }).primaryKey(),
    order_id: model.text(),
    product_id: model.text(),
  })
  .indexes([
    { on: ["order_id", "product_id"], unique: true },
    { on: ["product_id"] },
  ])
