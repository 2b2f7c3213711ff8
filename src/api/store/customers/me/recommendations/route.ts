import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { recommendForCustomer } from "../../../recommendation-helpers"

export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  res.json(await recommendForCustomer(req, req.auth_context.actor_id))
}
