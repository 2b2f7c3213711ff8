import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../../modules/flow-runs"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../modules/omniflow"
import { isScrapeAuthorized, omniflowRegistry, setInboxOpen } from "../../workflows/flow-runs/prometheus"

/**
 * Prometheus scrape endpoint, in the text exposition format. Off (404) unless the options
 * set `metrics.token`; the scraper sends it as `Authorization: Bearer <token>`.
 */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const { token } = (req.scope.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().metrics
  if (!token) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, "Not found")
  }
  if (!isScrapeAuthorized(req.headers.authorization, token)) {
    res.setHeader("WWW-Authenticate", 'Bearer realm="omniflow-metrics"')
    res.status(401).json({ type: "unauthorized", message: "A valid bearer token is required" })
    return
  }
  const runs: FlowRunsModuleService = req.scope.resolve(FLOW_RUNS_MODULE)
  setInboxOpen((await runs.listAndCountFlowRuns({ inbox: "open" }, { take: 1, select: ["id"] }))[1])
  res.setHeader("Content-Type", omniflowRegistry.contentType)
  res.send(await omniflowRegistry.metrics())
}
