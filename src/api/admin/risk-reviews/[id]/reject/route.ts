import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { decideRiskReview } from "../../decide"
import { AdminRejectRiskReviewType } from "../../middlewares"

export const POST = async (req: AuthenticatedMedusaRequest<AdminRejectRiskReviewType>, res: MedusaResponse) => {
  await decideRiskReview(req, res, "reject", req.validatedBody)
}
