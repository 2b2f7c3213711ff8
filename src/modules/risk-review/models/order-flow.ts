import { model } from "@medusajs/framework/utils"

export const ORDER_FLOW_STAGES = [
  "assessing",
  "under_review",
  "approved",
  "rejected",
  "capturing",
  "awaiting_payment",
  "paid",
  "shipping",
  "fulfilled",
  "canceling",
  "canceled",
  "failed",
] as const

/**
 * One row per order: where its flow stands. Every move between stages is a conditional
 * update, so two callers (a route and the deadline job, two instances) cannot both take
 * the same step.
 */
export const OrderFlow = model
  .define("order_flow", {
    id: model.id({ prefix: "oflow" }).primaryKey(),
    // Created before anything else happens: the row is the "this order's flow started" fact.
    order_id: model.text().unique(),
    stage: model.enum([...ORDER_FLOW_STAGES]).default("assessing"),
    risk_score: model.number().nullable(),
    risk_level: model.text().nullable(),
    risk_decision: model.text().nullable(),
    risk_reasons: model.json().nullable(),
    payment_deadline_at: model.dateTime().nullable(),
    failure_reason: model.text().nullable(),
    /** [{ location_id, fulfillment_id, items }] once shipped. */
    shipments: model.json().nullable(),
  })
  .indexes([{ on: ["stage", "payment_deadline_at"] }])
