import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"
import { AdminListRiskReviewsParamsType } from "./middlewares"

/** The review queue: oldest first by default, or by score. */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const { status, limit, offset, order } = req.validatedQuery as AdminListRiskReviewsParamsType
  const service: RiskReviewModuleService = req.scope.resolve(RISK_REVIEW_MODULE)
  const field = order.replace(/^-/, "")
  const [risk_reviews, count] = await service.listAndCountRiskReviews(status ? { status } : {}, {
    take: limit,
    skip: offset,
    order: { [field]: order.startsWith("-") ? "DESC" : "ASC", id: "ASC" },
  })
  res.json({ risk_reviews, count, limit, offset })
}
