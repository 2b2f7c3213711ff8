import { model } from "@medusajs/framework/utils"

export const PRIVACY_REQUEST_KINDS = ["export", "erasure"] as const
export const PRIVACY_REQUEST_STATES = ["running", "completed", "failed"] as const
export const ERASURE_PHASES = ["revoke", "assess", "erase", "verify", "certificate"] as const

/**
 * A data export (Art. 15/20) or an erasure (Art. 17). An erasure saves each finished phase
 * here, so a run cut off between phases is continued from the next one; one erasure per
 * customer (unique), so asking twice changes nothing. Once erased, the row keeps no
 * personal data: `subject` (what verification searches for) is cleared by the certificate.
 */
export const PrivacyRequest = model
  .define("omniflow_privacy_request", {
    id: model.id({ prefix: "preq" }).primaryKey(),
    kind: model.enum([...PRIVACY_REQUEST_KINDS]),
    customer_id: model.text(),
    /** `customer` (the person themself) or `user` (an admin). */
    requested_by_type: model.text(),
    requested_by_id: model.text(),
    state: model.enum([...PRIVACY_REQUEST_STATES]).default("running"),
    /** Finished phases in order: [{ name, finished_at, counts? }]. */
    phases: model.json().nullable(),
    /** Personal data found per kind (assess) and changed per kind (erase). */
    counts: model.json().nullable(),
    /** Tables and columns verification searched, and what it found (nothing, when completed). */
    verification: model.json().nullable(),
    /** The email, names and phone verification searches for; cleared by the certificate. */
    subject: model.json().nullable(),
    /** Export: the File-module file, and until when its download link works. */
    file_id: model.text().nullable(),
    expires_at: model.dateTime().nullable(),
    /** The process running it now (advisory-lock key, as claims and order flows record it). */
    run_owner: model.number().nullable(),
    error: model.text().nullable(),
    completed_at: model.dateTime().nullable(),
  })
  .indexes([
    { on: ["customer_id", "kind"] },
    { on: ["customer_id"], unique: true, where: "kind = 'erasure' AND deleted_at IS NULL" },
    { on: ["state", "updated_at"] },
  ])
