import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../../modules/risk-review"
import { echoId } from "../../../utils/validate-path"

export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const service: RiskReviewModuleService = req.scope.resolve(RISK_REVIEW_MODULE)
  const [risk_review] = await service.listRiskReviews({ id: req.params.id })
  if (!risk_review) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Risk review ${echoId(req.params.id)} was not found`)
  }
  res.json({ risk_review })
}
