import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { decideRiskReview } from "../../decide"
import { AdminApproveRiskReviewType } from "../../middlewares"

export const POST = async (req: AuthenticatedMedusaRequest<AdminApproveRiskReviewType>, res: MedusaResponse) => {
  await decideRiskReview(req, res, "approve", req.validatedBody)
}
