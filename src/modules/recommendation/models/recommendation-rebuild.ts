import { model } from "@medusajs/framework/utils"

/** One row per full rebuild, so the admin can see when the model was last recomputed and how long it took. */
export const RecommendationRebuild = model.define("recommendation_rebuild", {
  id: model.id({ prefix: "rcrb" }).primaryKey(),
  started_at: model.dateTime(),
  finished_at: model.dateTime(),
  duration_ms: model.number(),
  orders: model.number(),
  products: model.number(),
  pairs: model.number(),
})
