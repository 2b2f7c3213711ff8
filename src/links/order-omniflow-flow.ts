import { defineLink } from "@medusajs/framework/utils"
import OrderModule from "@medusajs/medusa/order"
import RiskReviewModule from "../modules/risk-review"

/**
 * An order's OmniFlow flow and risk review, for Query:
 *
 *   query.graph({ entity: "order", fields: ["id", "omniflow_flow.*", "omniflow_risk_review.*"] })
 *
 * `omniflow_flow` is the order's `order_flow` row (stage, risk score and reasons,
 * shipments), `omniflow_risk_review` its `risk_review` row (status, score, reasons, who
 * decided and when) — absent for an order that was never held. Read-only links matched on
 * `order_id = order.id`: no link table, no migration, nothing to keep in sync.
 *
 * Why the review takes the path `omniflow_flow.order.omniflow_review_hop`: Medusa 2.21's
 * Query fetches sibling relations into one module that join on the same parent field in a
 * single batch, with the first relation's entity, so a second order → risk_review link
 * next to `omniflow_flow` came back holding the order_flow row. Going through the flow and
 * back to the order puts the review in a later batch of its own. Every review belongs to a
 * flow (start-order-flow opens it after the flow row), so nothing is lost.
 */
export default defineLink(
  { linkable: OrderModule.linkable.order.id, field: "id" },
  { ...RiskReviewModule.linkable.orderFlow.id, primaryKey: "order_id", alias: "omniflow_flow" },
  {
    readOnly: true,
    shortcut: { property: "omniflow_risk_review", path: "omniflow_flow.order.omniflow_review_hop" },
  }
)
