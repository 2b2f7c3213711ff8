import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../../../modules/risk-review"
import { echoId } from "../../../../utils/validate-path"
import { actorIdsOf, describeEvent, FlowEvent, locationIdsOf, resolveNames } from "./readable"

/**
 * Everything about an order's flow: stage, risk reasons, review, full timeline. The raw
 * records are kept as they are; each timeline entry also says in words what happened
 * (`title`, `summary`) and who did it (`actor`), and the review names its decider
 * (`decided_by_actor`) — admin users by name and email instead of their ids.
 */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data: orders } = await query.graph({ entity: "order", fields: ["id"], filters: { id: req.params.id } })
  if (!orders.length) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Order ${echoId(req.params.id)} was not found`)
  }
  const service: RiskReviewModuleService = req.scope.resolve(RISK_REVIEW_MODULE)
  const [[flow], [review], events] = await Promise.all([
    service.listOrderFlows({ order_id: req.params.id }),
    service.listRiskReviews({ order_id: req.params.id }),
    service.listOrderFlowEvents({ order_id: req.params.id }, { order: { created_at: "ASC" }, take: 500 }),
  ])
  const timeline = events as unknown as FlowEvent[]
  const names = await resolveNames(req.scope, {
    actors: actorIdsOf(review ?? null, timeline),
    locations: locationIdsOf(timeline),
  })
  res.json({
    omniflow: {
      order_id: req.params.id,
      flow: flow ?? null,
      risk_review: review
        ? { ...review, decided_by_actor: review.decided_by ? names.actors.get(review.decided_by) ?? null : null }
        : null,
      timeline: timeline.map((e) => describeEvent(e, names)),
    },
  })
}
