import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../../../../modules/flow-runs"
import { AdminFlowMetricsParamsType } from "../middlewares"

const WINDOW_MS = { "1h": 3600_000, "24h": 24 * 3600_000, "7d": 7 * 24 * 3600_000 } as const
/** The chart's bars: 12 × 5 min, 24 × 1 h, 28 × 6 h. */
const BUCKET_MS = { "1h": 5 * 60_000, "24h": 3600_000, "7d": 6 * 3600_000 } as const

/**
 * Runs per flow by state, p50/p95 duration, step success rates, the inbox's size, and runs
 * and failures over the window in equal buckets (for the admin's chart).
 */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const { window } = req.validatedQuery as AdminFlowMetricsParamsType
  const runs: FlowRunsModuleService = req.scope.resolve(FLOW_RUNS_MODULE)
  const to = new Date()
  const metrics = await runs.metrics({ from: new Date(to.getTime() - WINDOW_MS[window]), to, bucketMs: BUCKET_MS[window] })
  res.json({ ...metrics, window })
}
