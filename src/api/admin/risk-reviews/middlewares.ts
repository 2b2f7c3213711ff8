import { authenticate, MiddlewareRoute } from "@medusajs/framework/http"
import { z } from "zod"
import { validateBody, validateQuery } from "../../utils/validate-query"

export const AdminListRiskReviewsParams = z
  .object({
    status: z.enum(["pending", "approved", "rejected"]).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).default(0),
    order: z.enum(["created_at", "-created_at", "score", "-score"]).default("created_at"),
  })
  .strict()
export type AdminListRiskReviewsParamsType = z.infer<typeof AdminListRiskReviewsParams>

export const AdminApproveRiskReview = z
  .object({
    note: z.string().max(2000).optional(),
  })
  .strict()
export type AdminApproveRiskReviewType = z.infer<typeof AdminApproveRiskReview>

export const AdminRejectRiskReview = z
  .object({
    reason: z.string().trim().min(1, "a reason is required").max(500),
    note: z.string().max(2000).optional(),
  })
  .strict()
export type AdminRejectRiskReviewType = z.infer<typeof AdminRejectRiskReview>

/** Admin routes are authenticated by Medusa itself; these add validation. */
export const riskReviewAdminMiddlewares: MiddlewareRoute[] = [
  {
    method: ["GET"],
    matcher: "/admin/risk-reviews",
    middlewares: [validateQuery(AdminListRiskReviewsParams)],
  },
  {
    method: ["POST"],
    matcher: "/admin/risk-reviews/:id/approve",
    middlewares: [validateBody(AdminApproveRiskReview)],
  },
  {
    method: ["POST"],
    matcher: "/admin/risk-reviews/:id/reject",
    middlewares: [validateBody(AdminRejectRiskReview)],
  },
]

/** A customer reads their own order's flow; anonymous callers get 401. */
export const orderFlowStoreMiddlewares: MiddlewareRoute[] = [
  {
    method: ["GET"],
    matcher: "/store/orders/:id/omniflow",
    middlewares: [authenticate("customer", ["session", "bearer"])],
  },
]
