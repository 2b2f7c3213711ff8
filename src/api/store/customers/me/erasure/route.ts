import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { requestErasure } from "../../../../../workflows/privacy/requests"

/**
 * The logged-in customer asks to be erased (`{ confirm: "ERASE" }`): 202 and the request,
 * erased in the background; 200 with the existing request when asked before; 409 naming
 * the orders still to be fulfilled when the shop refuses those.
 */
export const POST = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const customer_id = req.auth_context.actor_id
  const { status, ...body } = await requestErasure(req.scope, { customer_id, requester: { type: "customer", id: customer_id } })
  res.status(status).json(body)
}
