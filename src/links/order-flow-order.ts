import { defineLink } from "@medusajs/framework/utils"
import OrderModule from "@medusajs/medusa/order"
import RiskReviewModule from "../modules/risk-review"

/**
 * The order of a flow (or of a review, or of a timeline event: each carries `order_id`),
 * for Query:
 *
 *   query.graph({ entity: "order_flow", fields: ["stage", "order.display_id", "order.email"] })
 *
 * Read-only (no link table). Also the middle step of an order's `omniflow_risk_review`
 * (order-omniflow-flow.ts).
 */
export default defineLink(
  { linkable: RiskReviewModule.linkable.orderFlow.id, field: "order_id" },
  OrderModule.linkable.order,
  { readOnly: true }
)
