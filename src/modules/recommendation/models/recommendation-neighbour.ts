import { model } from "@medusajs/framework/utils"

/**
 * The served answer: the top N neighbours of each product by cosine score, kept up to date
 * on every applied order so that a lookup is a single indexed read.
 */
export const RecommendationNeighbour = model
  .define("recommendation_neighbour", {
    id: model.id({ prefix: "rcnb" }).primaryKey(),
    product_id: model.text(),
    neighbour_id: model.text(),
    score: model.float(),
    orders: model.number(),
    rank: model.number(),
  })
  .indexes([
    { on: ["product_id", "rank"] },
    { on: ["product_id", "neighbour_id"], unique: true },
  ])
