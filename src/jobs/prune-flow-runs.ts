import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../modules/flow-runs"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../modules/omniflow"

/**
 * Retention of the run registry (`runs.retentionDays`, default 30): ended runs older than
 * that are deleted; open inbox items stay until someone retries or resolves them.
 */
export default async function pruneFlowRunsJob(container: MedusaContainer) {
  const { retentionDays } = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().runs
  const runs: FlowRunsModuleService = container.resolve(FLOW_RUNS_MODULE)
  const pruned = await runs.prune(new Date(Date.now() - retentionDays * 24 * 3600_000))
  if (pruned) {
    container.resolve(ContainerRegistrationKeys.LOGGER).info(`[omniflow] pruned ${pruned} flow run(s) older than ${retentionDays} days`)
  }
}

export const config = {
  name: "omniflow-prune-flow-runs",
  schedule: "17 * * * *",
}
