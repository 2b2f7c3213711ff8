import { MiddlewareRoute } from "@medusajs/framework/http"
import { z } from "zod"
import { validateQuery } from "../../utils/validate-query"

export const AdminListClaimsParams = z
  .object({
    status: z.enum(["held", "converted", "released"]).optional(),
    cart_id: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict()

export type AdminListClaimsParamsType = z.infer<typeof AdminListClaimsParams>

export const inventoryDedupAdminMiddlewares: MiddlewareRoute[] = [
  {
    method: ["GET"],
    matcher: "/admin/inventory-dedup/claims",
    middlewares: [validateQuery(AdminListClaimsParams)],
  },
]
