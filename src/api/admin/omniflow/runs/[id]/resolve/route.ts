import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { FLOW_RUNS_MODULE, FlowRunsModuleService, RunConflictError } from "../../../../../../modules/flow-runs"
import { AdminResolveFlowRunType } from "../../../middlewares"

/** Closes an inbox item with a note: who, when, why. 409 when it is not open. */
export const POST = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { note } = req.validatedBody as AdminResolveFlowRunType
  const runs: FlowRunsModuleService = req.scope.resolve(FLOW_RUNS_MODULE)
  try {
    const flow_run = await runs.resolve({ id: req.params.id, by: req.auth_context.actor_id, note })
    res.json({ flow_run })
  } catch (e) {
    // Medusa's error handler words every conflict the same; the admin needs to know why.
    if (e instanceof RunConflictError) {
      return res.status(409).json({ type: "conflict", message: e.message })
    }
    throw e
  }
}
