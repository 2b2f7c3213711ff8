import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { requestDataExport } from "../../../../../workflows/privacy/requests"
import { AdminPrivacyRequestBodyType } from "../../../../privacy-middlewares"

/** An admin asks for a customer's data (to hand it over); only that admin can download it. */
export const POST = async (req: AuthenticatedMedusaRequest<AdminPrivacyRequestBodyType>, res: MedusaResponse) => {
  const privacy_request = await requestDataExport(req.scope, {
    customer_id: req.params.id,
    requester: { type: "user", id: req.auth_context.actor_id },
    note: req.validatedBody.note,
  })
  res.status(202).json({ privacy_request })
}
