import { MedusaContainer } from "@medusajs/framework/types"
import { enforceOrderFlowDeadlines } from "../workflows/order-flow"
import { withRunOrigin } from "../workflows/flow-runs/run-origin"

/**
 * Review and payment deadlines live in Postgres, not in process timers, so they hold
 * across restarts; this job enforces them. Idempotent: every transition is claimed in the
 * database, so overlapping runs (or instances) do each thing once.
 */
export default async function enforceOrderFlowDeadlinesJob(container: MedusaContainer) {
  await withRunOrigin({ trigger: "job", trigger_name: config.name, actor_type: "system" }, () => enforceOrderFlowDeadlines(container))
}

export const config = {
  name: "omniflow-enforce-order-flow-deadlines",
  schedule: "* * * * *",
}
