import { model } from "@medusajs/framework/utils"

/** The order's timeline: one row per stage reached or step taken, never updated. */
export const OrderFlowEvent = model
  .define("order_flow_event", {
    id: model.id({ prefix: "ofev" }).primaryKey(),
    order_id: model.text(),
    stage: model.text(),
    status: model.text(),
    detail: model.json().nullable(),
  })
  .indexes([{ on: ["order_id", "created_at"] }])
