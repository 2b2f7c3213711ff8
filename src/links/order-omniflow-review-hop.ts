import { defineLink } from "@medusajs/framework/utils"
import OrderModule from "@medusajs/medusa/order"
import RiskReviewModule from "../modules/risk-review"

/**
 * Plumbing for an order's `omniflow_risk_review` (see order-omniflow-flow.ts): the order's
 * `risk_review` row, matched on `risk_review.order_id = order.id` (read-only, no link
 * table). Ask Query for `omniflow_risk_review`, not for this: requested next to
 * `omniflow_flow` in one query, Medusa 2.21 would fetch both from one batch and return the
 * flow row here.
 */
export default defineLink(
  { linkable: OrderModule.linkable.order.id, field: "id" },
  { ...RiskReviewModule.linkable.riskReview.id, primaryKey: "order_id", alias: "omniflow_review_hop" },
  { readOnly: true }
)
