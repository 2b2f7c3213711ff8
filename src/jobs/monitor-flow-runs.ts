import { MedusaContainer } from "@medusajs/framework/types"
import { withRunOrigin } from "../workflows/flow-runs/run-origin"
import { monitorFlowRuns } from "../workflows/flow-runs/monitor-flow-runs"

/** Timed-out runs to the inbox, automatic retries per flow policy (see monitorFlowRuns). */
export default async function monitorFlowRunsJob(container: MedusaContainer) {
  await withRunOrigin({ trigger: "job", trigger_name: config.name, actor_type: "system" }, () => monitorFlowRuns(container))
}

export const config = {
  name: "omniflow-monitor-flow-runs",
  schedule: "* * * * *",
}
