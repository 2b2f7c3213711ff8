import { model } from "@medusajs/framework/utils"

/**
 * Per product: `orders` = applied orders containing it, `weight` = their summed weight
 * (n(a) in the cosine), `copurchase_orders` = those orders that also held another product,
 * which decides whether the product has enough history or falls back to content similarity.
 * `neighbour_count` / `neighbour_min_score` describe its stored top-N list, so an order can
 * tell which partners' lists it may change without reading those lists.
 */
export const RecommendationProductStat = model.define("recommendation_product_stat", {
  id: model.id({ prefix: "rcps" }).primaryKey(),
  product_id: model.text().unique(),
  orders: model.number().default(0),
  weight: model.float().default(0),
  copurchase_orders: model.number().default(0),
  neighbour_count: model.number().default(0),
  neighbour_min_score: model.float().nullable(),
})
