import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../../../../modules/flow-runs"
import { AdminFlowMetricsParamsType } from "../middlewares"

const WINDOW_MS = { "1h": 3600_000, "24h": 24 * 3600_000, "7d": 7 * 24 * 3600_000 } as const

/** Runs per flow by state, p50/p95 duration, step success rates and the inbox's size. */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const { window } = req.validatedQuery as AdminFlowMetricsParamsType
  const runs: FlowRunsModuleService = req.scope.resolve(FLOW_RUNS_MODULE)
  const to = new Date()
  const metrics = await runs.metrics({ from: new Date(to.getTime() - WINDOW_MS[window]), to })
  res.json({ ...metrics, window })
}
