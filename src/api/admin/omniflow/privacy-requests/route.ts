import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService } from "../../../../modules/customer-lifecycle"
import { presentPrivacyRequest } from "../../../../workflows/privacy/requests"
import { AdminListPrivacyRequestsParamsType } from "../../../privacy-middlewares"

/** Data exports and erasures, newest first, filtered by kind, state and customer. */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const { kind, state, customer_id, limit, offset } = req.validatedQuery as AdminListPrivacyRequestsParamsType
  const service: CustomerLifecycleModuleService = req.scope.resolve(CUSTOMER_LIFECYCLE_MODULE)
  const [rows, count] = await service.listAndCountPrivacyRequests(
    { ...(kind ? { kind } : {}), ...(state ? { state } : {}), ...(customer_id ? { customer_id } : {}) },
    { take: limit, skip: offset, order: { created_at: "DESC", id: "DESC" } }
  )
  res.json({ privacy_requests: rows.map(presentPrivacyRequest), count, limit, offset })
}
