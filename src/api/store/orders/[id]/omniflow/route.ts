import { AuthenticatedMedusaRequest, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import {
  customerStatus,
  customerTimeline,
  RISK_REVIEW_MODULE,
  RiskReviewModuleService,
} from "../../../../../modules/risk-review"
import { echoId } from "../../../../utils/validate-path"

/**
 * The customer's view of their order's progress, under the rule of core's
 * `GET /store/orders/:id`: no login needed — the order id, which only its buyer was given, is
 * what a guest holds — and draft orders are not orders yet. A logged-in customer is told
 * "not found" for any order that is not theirs.
 */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data: orders } = await query.graph({
    entity: "order",
    fields: ["id", "customer_id"],
    filters: { id: req.params.id, is_draft_order: false },
  })
  const order = orders[0] as { id: string; customer_id?: string | null } | undefined
  // Set by Medusa's store-wide optional authentication when a customer is logged in.
  const auth = (req as Partial<AuthenticatedMedusaRequest>).auth_context
  const customerId = auth?.actor_type === "customer" ? auth.actor_id : null
  if (!order || (customerId && order.customer_id !== customerId)) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Order ${echoId(req.params.id)} was not found`)
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
