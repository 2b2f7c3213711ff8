import { defineMiddlewares } from "@medusajs/framework/http"
import { checkoutMiddlewares } from "./store/carts/checkout-middlewares"
import { inventoryDedupAdminMiddlewares } from "./admin/inventory-dedup/middlewares"
import { recommendationMiddlewares } from "./store/recommendation-middlewares"
import { orderFlowStoreMiddlewares, riskReviewAdminMiddlewares } from "./admin/risk-reviews/middlewares"

/**
 * Medusa reads only this file for middlewares. Each capability keeps its zod validators
 * and route entries beside its routes and is listed here.
 */
export default defineMiddlewares({
  routes: [...checkoutMiddlewares, ...inventoryDedupAdminMiddlewares, ...recommendationMiddlewares, ...riskReviewAdminMiddlewares, ...orderFlowStoreMiddlewares],
})
