import { MiddlewareRoute, validateAndTransformBody } from "@medusajs/framework/http"
import { z } from "@medusajs/framework/zod"
import { jsonObjectBody } from "../../utils/json-body"
import { validatePathIds } from "../../utils/validate-path"
import { NoQueryParams, pageParams, validateQuery } from "../../utils/validators"

export const AdminListRiskReviewsParams = z.object({
  status: z.enum(["pending", "approved", "rejected"]).optional(),
  ...pageParams({ limit: 20, maxLimit: 100 }),
  order: z.enum(["created_at", "-created_at", "score", "-score"]).default("created_at"),
})
export type AdminListRiskReviewsParamsType = z.infer<typeof AdminListRiskReviewsParams>

export const AdminApproveRiskReview = z.object({
  note: z.string().max(2000).optional(),
})
export type AdminApproveRiskReviewType = z.infer<typeof AdminApproveRiskReview>

export const AdminRejectRiskReview = z.object({
  reason: z.string().trim().min(1, { error: "a reason is required" }).max(500),
  note: z.string().max(2000).optional(),
})
export type AdminRejectRiskReviewType = z.infer<typeof AdminRejectRiskReview>

/**
 * Admin routes are authenticated by Medusa itself; these add validation: path id, query,
 * then the body (read by `jsonObjectBody`, so a body that is not a JSON object is a 400
 * naming `body`).
 */
export const riskReviewAdminMiddlewares: MiddlewareRoute[] = [
  {
    method: ["GET"],
    matcher: "/admin/risk-reviews",
    middlewares: [validateQuery(AdminListRiskReviewsParams, { defaults: [], isList: true })],
  },
  {
    method: ["GET"],
    matcher: "/admin/risk-reviews/:id",
    middlewares: [validatePathIds, validateQuery(NoQueryParams)],
  },
  {
    method: ["POST"],
    matcher: "/admin/risk-reviews/:id/approve",
    bodyParser: false,
    middlewares: [
      validatePathIds,
      validateQuery(NoQueryParams),
      jsonObjectBody,
      validateAndTransformBody(AdminApproveRiskReview),
    ],
  },
  {
    method: ["POST"],
    matcher: "/admin/risk-reviews/:id/reject",
    bodyParser: false,
    middlewares: [
      validatePathIds,
      validateQuery(NoQueryParams),
      jsonObjectBody,
      validateAndTransformBody(AdminRejectRiskReview),
    ],
  },
]
