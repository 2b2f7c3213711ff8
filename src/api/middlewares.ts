import { defineMiddlewares, MiddlewareRoute } from "@medusajs/framework/http"
import { checkoutMiddlewares } from "./store/carts/checkout-middlewares"
import { inventoryDedupAdminMiddlewares } from "./admin/inventory-dedup/middlewares"
import { recommendationMiddlewares } from "./store/recommendation-middlewares"
import { riskReviewAdminMiddlewares } from "./admin/risk-reviews/middlewares"
import { recommendationAdminMiddlewares } from "./admin/recommendations/middlewares"
import { orderFlowAdminMiddlewares } from "./admin/orders/middlewares"
import { orderFlowStoreMiddlewares } from "./store/orders/middlewares"
import { installLocaleGuard } from "./utils/locale-guard"
import { flowRunAdminMiddlewares } from "./admin/omniflow/middlewares"
import { recordRunOrigin } from "./utils/run-origin"
import { privacyMiddlewares } from "./privacy-middlewares"
import { customerLifecycleMiddlewares } from "./customer-lifecycle-middlewares"
import { pathDecodingErrorHandler } from "./utils/validate-path"

// Core's locale middleware runs before every entry below and cannot read `locale[]=…`;
// this puts a guard in its place (see locale-guard.ts). It must happen while this file is
// imported, which is before core registers that middleware.
installLocaleGuard()

const routes: MiddlewareRoute[] = [
  // First: every workflow run a request starts is recorded with its route and actor.
  { matcher: "/store/*", middlewares: [recordRunOrigin] },
  { matcher: "/admin/*", middlewares: [recordRunOrigin] },
  ...checkoutMiddlewares,
  ...inventoryDedupAdminMiddlewares,
  ...recommendationMiddlewares,
  ...recommendationAdminMiddlewares,
  ...riskReviewAdminMiddlewares,
  ...orderFlowAdminMiddlewares,
  ...orderFlowStoreMiddlewares,
  ...flowRunAdminMiddlewares,
  ...customerLifecycleMiddlewares,
  ...privacyMiddlewares,
]

/**
 * Medusa reads only this file for middlewares. Each capability keeps its zod validators
 * and route entries beside its routes and is listed here. Every OmniFlow route validates
 * its path ids, query and body with Medusa's validators, answering bad input with a 400
 * that names the parameter; the error handler adds the one case no route middleware can
 * see, a path Express cannot decode (a lone `%`).
 */
export default defineMiddlewares({
  routes,
  errorHandler: pathDecodingErrorHandler(routes),
})
