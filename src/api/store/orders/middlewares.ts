import { MiddlewareRoute } from "@medusajs/framework/http"
import { validatePathIds } from "../../utils/validate-path"
import { NoQueryParams, validateQuery } from "../../utils/validators"

/**
 * The order's timeline is served like core's `GET /store/orders/:id`: no login required (the
 * order id is what a guest holds), while Medusa's store-wide optional authentication tells
 * the route who a logged-in customer is, so it can refuse them someone else's order.
 */
export const orderFlowStoreMiddlewares: MiddlewareRoute[] = [
  {
    method: ["GET"],
    matcher: "/store/orders/:id/omniflow",
    middlewares: [validatePathIds, validateQuery(NoQueryParams)],
  },
]
