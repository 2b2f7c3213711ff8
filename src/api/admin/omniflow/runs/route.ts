import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../../../../modules/flow-runs"
import { AdminListFlowRunsParamsType } from "../middlewares"

/** Recorded runs, newest first, filtered by flow, state, inbox state, subject or start time. */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const { limit, offset, started_after, started_before, ...filters } = req.validatedQuery as AdminListFlowRunsParamsType
  const runs: FlowRunsModuleService = req.scope.resolve(FLOW_RUNS_MODULE)
  const where: Record<string, unknown> = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined))
  if (started_after || started_before) {
    where.started_at = {
      ...(started_after ? { $gte: new Date(started_after) } : {}),
      ...(started_before ? { $lt: new Date(started_before) } : {}),
    }
  }
  const [flow_runs, count] = await runs.listAndCountFlowRuns(where, {
    take: limit,
    skip: offset,
    order: { started_at: "DESC", id: "DESC" },
  })
  res.json({ flow_runs, count, limit, offset })
}
