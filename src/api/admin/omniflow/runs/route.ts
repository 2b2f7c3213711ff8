import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../../../../modules/flow-runs"
import { AdminListFlowRunsParamsType } from "../middlewares"

/** Recorded runs, newest first, filtered by flow, state, inbox state or subject. */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const { limit, offset, ...filters } = req.validatedQuery as AdminListFlowRunsParamsType
  const runs: FlowRunsModuleService = req.scope.resolve(FLOW_RUNS_MODULE)
  const where = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined))
  const [flow_runs, count] = await runs.listAndCountFlowRuns(where, {
    take: limit,
    skip: offset,
    order: { started_at: "DESC", id: "DESC" },
  })
  res.json({ flow_runs, count, limit, offset })
}
