import { model } from "@medusajs/framework/utils"

/**
 * `held`: a step failed in a flow whose policy does not compensate; the run is still live
 * at that step, nothing undone, and waits in the inbox for a retry that continues it.
 */
export const FLOW_RUN_STATES = ["running", "waiting", "held", "succeeded", "failed", "compensated", "timed_out"] as const
export const INBOX_STATES = ["open", "retried", "resolved"] as const

/**
 * One run of a recorded workflow (OmniFlow's flows, and core's complete-cart while the
 * checkout guard is on), written from the workflow engine's own events. A run that failed,
 * was compensated or timed out waits in the inbox (`inbox = open`) until an admin retries
 * or resolves it.
 */
export const FlowRun = model
  .define("flow_run", {
    id: model.id({ prefix: "frun" }).primaryKey(),
    workflow_id: model.text(),
    transaction_id: model.text(),
    /** `route`, `subscriber`, `job`, `retry` or `system` (not started through OmniFlow's entry points). */
    trigger: model.text().default("system"),
    /** The route ("POST /store/carts/:id/complete"), event or job name. */
    trigger_name: model.text().nullable(),
    /** `user` (an admin), `customer`, `guest` or `system`. */
    actor_type: model.text().nullable(),
    actor_id: model.text().nullable(),
    /** What the run is about: `order`, `cart`, `customer`, `review`, `product`. */
    subject_type: model.text().nullable(),
    subject_id: model.text().nullable(),
    /** The run's input, as a retry needs it (OmniFlow's inputs hold ids and flags, no secrets). */
    input: model.json().nullable(),
    state: model.enum([...FLOW_RUN_STATES]).default("running"),
    started_at: model.dateTime(),
    ended_at: model.dateTime().nullable(),
    duration_ms: model.number().nullable(),
    /** [{ name, state, attempts, duration_ms, error }] in the order the steps ran. */
    steps: model.json().nullable(),
    error: model.text().nullable(),
    failed_step: model.text().nullable(),
    inbox: model.enum([...INBOX_STATES]).nullable(),
    /** The run this one retries, and the run that retried this one. */
    retry_of: model.text().nullable(),
    retried_as: model.text().nullable(),
    resolved_by: model.text().nullable(),
    resolved_at: model.dateTime().nullable(),
    resolution_note: model.text().nullable(),
  })
  .indexes([
    { on: ["workflow_id", "transaction_id"], unique: true },
    { on: ["started_at"] },
    { on: ["inbox", "started_at"] },
    { on: ["state", "started_at"] },
    { on: ["subject_id"] },
  ])
