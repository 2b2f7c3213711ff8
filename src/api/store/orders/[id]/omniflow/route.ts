import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import {
  customerStatus,
  customerTimeline,
  RISK_REVIEW_MODULE,
  RiskReviewModuleService,
} from "../../../../../modules/risk-review"

/** The customer's view of their order's progress; someone else's order is "not found". */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data: orders } = await query.graph({
    entity: "order",
    fields: ["id", "customer_id"],
    filters: { id: req.params.id },
  })
  const order = orders[0] as { id: string; customer_id?: string | null } | undefined
  if (!order || order.customer_id !== req.auth_context.actor_id) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Order ${req.params.id} was not found`)
  }
  const service: RiskReviewModuleService = req.scope.resolve(RISK_REVIEW_MODULE)
  const [[flow], events] = await Promise.all([
    service.listOrderFlows({ order_id: order.id }),
    service.listOrderFlowEvents({ order_id: order.id }, { order: { created_at: "ASC" }, take: 500 }),
  ])
  res.json({
    omniflow: {
      order_id: order.id,
      status: flow ? customerStatus(flow) : "order received",
      timeline: customerTimeline(events as any),
    },
  })
}
