import { MiddlewareRoute, validateAndTransformBody } from "@medusajs/framework/http"
import { z } from "@medusajs/framework/zod"
import { jsonObjectBody } from "../../utils/json-body"
import { NoQueryParams, validateQuery } from "../../utils/validators"

/** A rebuild takes no options: the body, if any, is an empty JSON object. */
export const AdminRebuildRecommendations = z.object({})

export const recommendationAdminMiddlewares: MiddlewareRoute[] = [
  {
    method: ["POST"],
    matcher: "/admin/recommendations/rebuild",
    bodyParser: false,
    middlewares: [validateQuery(NoQueryParams), jsonObjectBody, validateAndTransformBody(AdminRebuildRecommendations)],
  },
  {
    method: ["GET"],
    matcher: "/admin/recommendations/stats",
    middlewares: [validateQuery(NoQueryParams)],
  },
]
