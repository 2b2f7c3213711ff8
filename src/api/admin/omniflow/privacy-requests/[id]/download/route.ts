import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { sendDataExport } from "../../../../../privacy-download"

/** A data export an admin asked for, for that admin only, while its link is valid. */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  await sendDataExport(req.scope, res, req.params.id, { type: "user", id: req.auth_context.actor_id })
}
