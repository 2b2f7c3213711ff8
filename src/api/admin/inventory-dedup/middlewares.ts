import { MiddlewareRoute } from "@medusajs/framework/http"
import { z } from "@medusajs/framework/zod"
import { idParam, pageParams, validateQuery } from "../../utils/validators"

export const AdminListClaimsParams = z.object({
  status: z.enum(["held", "converted", "released"]).optional(),
  cart_id: idParam("cart_id").optional(),
  ...pageParams({ limit: 20, maxLimit: 100 }),
})

export type AdminListClaimsParamsType = z.infer<typeof AdminListClaimsParams>

export const inventoryDedupAdminMiddlewares: MiddlewareRoute[] = [
  {
    method: ["GET"],
    matcher: "/admin/inventory-dedup/claims",
    middlewares: [validateQuery(AdminListClaimsParams, { defaults: [], isList: true })],
  },
]
