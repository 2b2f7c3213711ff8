import { MiddlewareRoute } from "@medusajs/framework/http"
import { validatePathIds } from "../../utils/validate-path"
import { NoQueryParams, validateQuery } from "../../utils/validators"

export const orderFlowAdminMiddlewares: MiddlewareRoute[] = [
  {
    method: ["GET"],
    matcher: "/admin/orders/:id/omniflow",
    middlewares: [validatePathIds, validateQuery(NoQueryParams)],
  },
]
