import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { requestDataExport } from "../../../../../workflows/privacy/requests"

/** The logged-in customer asks for a copy of their data; it is prepared in the background. */
export const POST = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const customer_id = req.auth_context.actor_id
  const privacy_request = await requestDataExport(req.scope, { customer_id, requester: { type: "customer", id: customer_id } })
  res.status(202).json({ privacy_request })
}
