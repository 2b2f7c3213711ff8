import { getAuthContextFromJwtToken, MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService, phaseDone } from "../../modules/customer-lifecycle"

type AuthContext = { actor_id?: string; actor_type?: string }

/** The one store route an erased customer's old credentials may still read: their request's progress. */
const STILL_READABLE = /^\/store\/customers\/me\/omniflow\/?$/

/**
 * An erasure removes the customer's logins, but a token or session issued before lives on
 * until it expires, and core's store routes would go on acting for the erased customer
 * (new addresses, carts). So every store request made with a customer's credentials is
 * refused with 401 `customer_erased` once that customer's erasure has revoked access.
 */
export async function refuseErasedCustomers(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  const session = (req as MedusaRequest & { session?: { auth_context?: AuthContext } }).session
  const context = session?.auth_context?.actor_type === "customer" ? session.auth_context : bearerCustomer(req)
  const path = (req.originalUrl ?? req.url).split("?")[0]
  if (!context?.actor_id || context.actor_type !== "customer" || (req.method === "GET" && STILL_READABLE.test(path))) {
    return next()
  }
  const service: CustomerLifecycleModuleService = req.scope.resolve(CUSTOMER_LIFECYCLE_MODULE)
  const [erasure] = await service.listPrivacyRequests({ customer_id: context.actor_id, kind: "erasure" }, { take: 1 })
  if (!erasure || !phaseDone(erasure, "revoke")) {
    return next()
  }
  res.status(401).json({ type: "unauthorized", code: "customer_erased", message: "This customer account has been erased." })
}

function bearerCustomer(req: MedusaRequest): AuthContext | null {
  if (!req.headers.authorization) {
    return null
  }
  const { http } = req.scope.resolve(ContainerRegistrationKeys.CONFIG_MODULE).projectConfig
  return getAuthContextFromJwtToken(
    req.headers.authorization,
    http.jwtSecret as string,
    ["bearer"],
    ["customer"],
    (http as any).jwtPublicKey,
    (http as any).jwtVerifyOptions ?? (http as any).jwtOptions,
    req.scope.resolve(ContainerRegistrationKeys.LOGGER)
  ) as AuthContext | null
}
