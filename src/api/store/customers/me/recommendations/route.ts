import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { recommendForCustomer, ServerTiming } from "../../../recommendation-helpers"

export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const timing = new ServerTiming()
  const body = await recommendForCustomer(req, req.auth_context.actor_id, timing)
  res.setHeader("Server-Timing", timing.header())
  res.json(body)
}
