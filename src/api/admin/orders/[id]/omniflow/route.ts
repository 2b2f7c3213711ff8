import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../../../modules/risk-review"

/** Everything about an order's flow: stage, risk reasons, review, full timeline. */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data: orders } = await query.graph({ entity: "order", fields: ["id"], filters: { id: req.params.id } })
  if (!orders.length) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Order ${req.params.id} was not found`)
  }
  const service: RiskReviewModuleService = req.scope.resolve(RISK_REVIEW_MODULE)
  const [[flow], [review], timeline] = await Promise.all([
    service.listOrderFlows({ order_id: req.params.id }),
    service.listRiskReviews({ order_id: req.params.id }),
    service.listOrderFlowEvents({ order_id: req.params.id }, { order: { created_at: "ASC" }, take: 500 }),
  ])
  res.json({ omniflow: { order_id: req.params.id, flow: flow ?? null, risk_review: review ?? null, timeline } })
}
