import { model } from "@medusajs/framework/utils"

export const ONBOARDING_STATES = ["running", "completed", "failed"] as const

/** A customer's onboarding: one row per customer (unique), so the event twice onboards once. */
export const Onboarding = model
  .define("omniflow_onboarding", {
    id: model.id({ prefix: "onb" }).primaryKey(),
    customer_id: model.text(),
    state: model.enum([...ONBOARDING_STATES]).default("running"),
    /** The default group the customer was added to. */
    group_id: model.text().nullable(),
    locale: model.text().nullable(),
    /** Runs that tried it; a failed onboarding is tried again by a retry from the inbox. */
    attempts: model.number().default(1),
    error: model.text().nullable(),
    completed_at: model.dateTime().nullable(),
  })
  .indexes([{ on: ["customer_id"], unique: true }])
