import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../../../../../../modules/flow-runs"
import { AdminResolveFlowRunType } from "../../../middlewares"
import { answeringRunConflicts } from "../../../run-conflict"

/** Closes an inbox item with a note: who, when, why. 409 when it is not open. */
export const POST = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { note } = req.validatedBody as AdminResolveFlowRunType
  const runs: FlowRunsModuleService = req.scope.resolve(FLOW_RUNS_MODULE)
  await answeringRunConflicts(res, async () => ({
    flow_run: await runs.resolve({ id: req.params.id, by: req.auth_context.actor_id, note }),
  }))
}
