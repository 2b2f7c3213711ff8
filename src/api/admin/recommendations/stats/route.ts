import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { RECOMMENDATION_MODULE } from "../../../../modules/recommendation"
import RecommendationModuleService from "../../../../modules/recommendation/service"

export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const service = req.scope.resolve<RecommendationModuleService>(RECOMMENDATION_MODULE)
  res.json({ stats: { ...(await service.getStats()), options: service.getOptions() } })
}
