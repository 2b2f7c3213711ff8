import { MedusaContainer } from "@medusajs/framework/types"
import { enforceOrderFlowDeadlines } from "../workflows/order-flow"

/**
 * Review and payment deadlines live in Postgres, not in process timers, so they hold
 * across restarts; this job enforces them. Idempotent: every transition is claimed in the
 * database, so overlapping runs (or instances) do each thing once.
 */
export default async function enforceOrderFlowDeadlinesJob(container: MedusaContainer) {
  await enforceOrderFlowDeadlines(container)
}

export const config = {
  name: "omniflow-enforce-order-flow-deadlines",
  schedule: "* * * * *",
}
