import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { AUDIT_MODULE, AuditModuleService } from "../../../../../../modules/audit"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../../../../../../modules/flow-runs"
import { AdminResolveFlowRunType } from "../../../middlewares"
import { answeringRunConflicts } from "../../../run-conflict"

/** Closes an inbox item with a note: who, when, why. 409 when it is not open. */
export const POST = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { note } = req.validatedBody as AdminResolveFlowRunType
  const runs: FlowRunsModuleService = req.scope.resolve(FLOW_RUNS_MODULE)
  await answeringRunConflicts(res, async () => {
    const flow_run = await runs.resolve({ id: req.params.id, by: req.auth_context.actor_id, note })
    await (req.scope.resolve(AUDIT_MODULE) as AuditModuleService).record([
      {
        actor_type: "user",
        actor_id: req.auth_context.actor_id,
        action: "flow_run.resolved",
        target_type: "flow_run",
        target_id: flow_run.id,
        details: { workflow_id: flow_run.workflow_id, note },
      },
    ])
    return { flow_run }
  })
}
