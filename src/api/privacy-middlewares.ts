import { MiddlewareRoute, validateAndTransformBody } from "@medusajs/framework/http"
import { z } from "@medusajs/framework/zod"
import { PRIVACY_REQUEST_KINDS, PRIVACY_REQUEST_STATES } from "../modules/customer-lifecycle"
import { jsonObjectBody } from "./utils/json-body"
import { validatePathIds } from "./utils/validate-path"
import { idParam, NoQueryParams, pageParams, validateQuery } from "./utils/validators"

export const StoreDataExportBody = z.object({}).strict()

/** The customer types the word, so an erasure is never one stray click. */
export const StoreErasureBody = z
  .object({
    confirm: z.literal("ERASE", { error: 'confirm must be "ERASE"' }),
  })
  .strict()

export const AdminPrivacyRequestBody = z
  .object({
    note: z.string().trim().max(2000).optional(),
  })
  .strict()
export type AdminPrivacyRequestBodyType = z.infer<typeof AdminPrivacyRequestBody>

export const AdminListPrivacyRequestsParams = z.object({
  kind: z.enum([...PRIVACY_REQUEST_KINDS]).optional(),
  state: z.enum([...PRIVACY_REQUEST_STATES]).optional(),
  customer_id: idParam("customer_id").optional(),
  ...pageParams({ limit: 20, maxLimit: 100 }),
})
export type AdminListPrivacyRequestsParamsType = z.infer<typeof AdminListPrivacyRequestsParams>

/** Read the body as one JSON object (400 naming `body` otherwise), then validate it. */
const body = (schema: Parameters<typeof validateAndTransformBody>[0]) => [jsonObjectBody, validateAndTransformBody(schema)]

/**
 * With Medusa's roles on (RBAC), what an admin may do here is what they may do to customers
 * in core: reading a customer's data needs `customer:read`, erasing one `customer:delete`.
 */
const mayRead = [{ resource: "customer", operation: "read" }]
const mayErase = [{ resource: "customer", operation: "delete" }]

/**
 * Data exports and erasures. Medusa authenticates `/store/customers/me*` as a customer and
 * `/admin/*` as an admin user itself; these validate path ids, query and body.
 */
export const privacyMiddlewares: MiddlewareRoute[] = [
  {
    method: ["POST"],
    matcher: "/store/customers/me/data-export",
    bodyParser: false,
    middlewares: [validateQuery(NoQueryParams), ...body(StoreDataExportBody)],
  },
  {
    method: ["GET"],
    matcher: "/store/customers/me/data-export/:id/download",
    middlewares: [validatePathIds, validateQuery(NoQueryParams)],
  },
  {
    method: ["POST"],
    matcher: "/store/customers/me/erasure",
    bodyParser: false,
    middlewares: [validateQuery(NoQueryParams), ...body(StoreErasureBody)],
  },
  {
    method: ["POST"],
    matcher: "/admin/customers/:id/data-export",
    policies: mayRead,
    bodyParser: false,
    middlewares: [validatePathIds, validateQuery(NoQueryParams), ...body(AdminPrivacyRequestBody)],
  },
  {
    method: ["POST"],
    matcher: "/admin/customers/:id/erasure",
    policies: mayErase,
    bodyParser: false,
    middlewares: [validatePathIds, validateQuery(NoQueryParams), ...body(AdminPrivacyRequestBody)],
  },
  {
    method: ["GET"],
    matcher: "/admin/omniflow/privacy-requests",
    policies: mayRead,
    middlewares: [validateQuery(AdminListPrivacyRequestsParams, { defaults: [], isList: true })],
  },
  {
    method: ["GET"],
    matcher: "/admin/omniflow/privacy-requests/:id/download",
    policies: mayRead,
    middlewares: [validatePathIds, validateQuery(NoQueryParams)],
  },
  {
    method: ["GET"],
    matcher: "/admin/erasure-requests/:id",
    policies: mayRead,
    middlewares: [validatePathIds, validateQuery(NoQueryParams)],
  },
]
