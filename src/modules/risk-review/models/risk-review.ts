import { model } from "@medusajs/framework/utils"

/**
 * A held order waiting for a person: pending → approved | rejected, exactly once.
 * `decided_by` is the admin user, or `system:deadline` when the deadline policy decided.
 */
export const RiskReview = model
  .define("risk_review", {
    id: model.id({ prefix: "rrev" }).primaryKey(),
    // One review per order: a replayed order.placed cannot open a second one.
    order_id: model.text().unique(),
    status: model.enum(["pending", "approved", "rejected"]).default("pending"),
    score: model.number(),
    level: model.text(),
    reasons: model.json(),
    /** { display_id, email, total, currency_code } as they were when the order was held. */
    order_summary: model.json(),
    deadline_at: model.dateTime(),
    decided_by: model.text().nullable(),
    decided_at: model.dateTime().nullable(),
    decision_source: model.text().nullable(),
    reason: model.text().nullable(),
    note: model.text().nullable(),
  })
  .indexes([{ on: ["status", "created_at"] }, { on: ["status", "deadline_at"] }])
