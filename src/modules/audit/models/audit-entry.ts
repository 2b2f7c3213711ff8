import { model } from "@medusajs/framework/utils"

export const AUDIT_ACTOR_TYPES = ["user", "customer", "system"] as const

/**
 * One thing that happened, by whom, to what. Append-only: a database trigger refuses any
 * delete and any update other than an erasure's anonymisation (see the migration), so no
 * API — OmniFlow's, Medusa's generated service methods or a shop's code — can rewrite
 * history.
 */
export const AuditEntry = model
  .define("omniflow_audit_entry", {
    id: model.id({ prefix: "audit" }).primaryKey(),
    actor_type: model.enum([...AUDIT_ACTOR_TYPES]),
    actor_id: model.text().nullable(),
    /** Dotted verb, e.g. `customer.onboarded`, `customer.groups_changed`, `order.review_decided`. */
    action: model.text(),
    target_type: model.text(),
    target_id: model.text(),
    /** What changed, without secrets or card data. Replaced by `{ anonymised: true }` on erasure. */
    details: model.json().nullable(),
    anonymised_at: model.dateTime().nullable(),
  })
  .indexes([
    { on: ["target_type", "target_id", "created_at"] },
    { on: ["action", "created_at"] },
    { on: ["actor_id", "created_at"] },
    { on: ["created_at"] },
  ])
