import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../../../../../modules/flow-runs"
import { echoId } from "../../../../utils/validate-path"

/** One run with its steps, and the runs that retried it or that it retried. */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const runs: FlowRunsModuleService = req.scope.resolve(FLOW_RUNS_MODULE)
  const [flow_run] = await runs.listFlowRuns({ id: req.params.id })
  if (!flow_run) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Flow run ${echoId(req.params.id)} was not found`)
  }
  const retries = await runs.listFlowRuns({ retry_of: flow_run.id }, { order: { started_at: "ASC" } })
  res.json({ flow_run, retries })
}
