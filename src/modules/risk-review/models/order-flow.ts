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
    /**
     * The workflow run (transaction id of `omniflow-order-flow`) that drives the flow; null
     * once a run ended with the flow at rest. A run that holds it but neither waits nor
     * moves was cut off, and the sweeper hands the flow to a new run.
     */
    run_id: model.text().nullable(),
    /**
     * The server process executing that run right now (its advisory-lock key, as claims
     * use): when the process dies, the run is known to be cut off at once.
     */
    run_owner: model.number().nullable(),
    /** The stage a `failed` flow failed in, where a retry continues it. */
    resume_stage: model.text().nullable(),
    /** What the run's waiting step waits for: `review`, `payment` or `shipping_window`. */
    waiting_for: model.text().nullable(),
    /** When the wait ends at the latest (review deadline, payment deadline, shipping time). */
    wait_until: model.dateTime().nullable(),
  })
  .indexes([{ on: ["stage", "payment_deadline_at"] }, { on: ["waiting_for", "wait_until"] }])
