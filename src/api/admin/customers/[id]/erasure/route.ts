import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { requestErasure } from "../../../../../workflows/privacy/requests"
import { AdminPrivacyRequestBodyType } from "../../../../privacy-middlewares"

/** An admin erases a customer: 202 (erased in the background), 200 when already asked, 409, 404. */
export const POST = async (req: AuthenticatedMedusaRequest<AdminPrivacyRequestBodyType>, res: MedusaResponse) => {
  const { status, ...body } = await requestErasure(req.scope, {
    customer_id: req.params.id,
    requester: { type: "user", id: req.auth_context.actor_id },
    note: req.validatedBody.note,
  })
  res.status(status).json(body)
}
