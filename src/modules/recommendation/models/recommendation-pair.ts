import { model } from "@medusajs/framework/utils"

/**
 * Co-occurrence of two products in the same orders, stored in both directions so that the
 * neighbours of a product are one index range scan. `orders` is the exact count (the row is
 * dropped when it reaches 0), `weight` the summed order weights used by the score.
 */
export const RecommendationPair = model
  .define("recommendation_pair", {
    id: model.id({ prefix: "rcpr" }).primaryKey(),
    product_id: model.text(),
    other_id: model.text(),
    orders: model.number().default(0),
    weight: model.float().default(0),
  })
