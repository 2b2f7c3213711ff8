import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { sendDataExport } from "../../../../../../privacy-download"

/** The customer's own data export, while its link is valid. */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  await sendDataExport(req.scope, res, req.params.id, { type: "customer", id: req.auth_context.actor_id })
}
