import { MiddlewareRoute } from "@medusajs/framework/http"
import { z } from "@medusajs/framework/zod"
import { auditCustomerGroupChange } from "./admin/customer-groups-audit"
import { enforceCurrentRoles } from "./admin/current-roles"
import { auditUserRoleChange } from "./admin/user-roles-audit"
import { refuseErasedCustomers } from "./store/erased-customers"
import { rememberRegistrationLocale } from "./store/registration-locale"
import { validatePathIds } from "./utils/validate-path"
import { idParam, NoQueryParams, pageParams, validateQuery } from "./utils/validators"

export const AdminListAuditParams = z.object({
  target: idParam("target").optional(),
  action: z
    .string()
    .regex(/^[a-z0-9_.:-]{1,100}$/, { error: "action must be a dotted name such as customer.groups_changed" })
    .optional(),
  actor: idParam("actor").optional(),
  ...pageParams({ limit: 50, maxLimit: 200 }),
})
export type AdminListAuditParamsType = z.infer<typeof AdminListAuditParams>

/**
 * Onboarding state for the customer, the audit trail for admins, and the watch on core's
 * group-membership routes. Medusa authenticates `/store/customers/me*` (customer) and
 * `/admin/*` (admin user) before any of these.
 */
export const customerLifecycleMiddlewares: MiddlewareRoute[] = [
  // Before any admin route judges permissions: the roles a request carries are the user's
  // current roles (RBAC on; see current-roles.ts).
  { matcher: "/admin/*", middlewares: [enforceCurrentRoles] },
  // An erased customer's old token or session does nothing more in the store.
  { matcher: "/store/*", middlewares: [refuseErasedCustomers] },
  {
    method: ["POST"],
    matcher: "/store/customers",
    middlewares: [rememberRegistrationLocale],
  },
  {
    method: ["GET"],
    matcher: "/store/customers/me/omniflow",
    middlewares: [validateQuery(NoQueryParams)],
  },
  {
    method: ["GET"],
    matcher: "/admin/omniflow/audit",
    // The trail is about customers (and their orders): readable with `customer:read` (RBAC on).
    policies: [{ resource: "customer", operation: "read" }],
    middlewares: [validateQuery(AdminListAuditParams, { defaults: [], isList: true })],
  },
  {
    method: ["POST"],
    matcher: "/admin/customers/:id/customer-groups",
    middlewares: [validatePathIds, auditCustomerGroupChange("customer")],
  },
  {
    method: ["POST"],
    matcher: "/admin/customer-groups/:id/customers",
    middlewares: [validatePathIds, auditCustomerGroupChange("group")],
  },
  {
    method: ["POST", "DELETE"],
    matcher: "/admin/users/:id/roles",
    middlewares: [validatePathIds, auditUserRoleChange("user")],
  },
  {
    method: ["DELETE"],
    matcher: "/admin/users/:id/roles/:role_id",
    middlewares: [validatePathIds, auditUserRoleChange("user-role")],
  },
  {
    method: ["POST", "DELETE"],
    matcher: "/admin/rbac/roles/:id/users",
    middlewares: [validatePathIds, auditUserRoleChange("role")],
  },
]
