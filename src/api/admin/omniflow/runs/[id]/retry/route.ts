import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { retryFlowRun } from "../../../../../../workflows/flow-runs/retry-flow-run"
import { answeringRunConflicts } from "../../../run-conflict"

/**
 * Starts a new run with the failed run's input, linked to it; the item leaves the inbox.
 * 409 when the run is not an open inbox item (it did not fail, or was retried or resolved).
 */
export const POST = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) =>
  answeringRunConflicts(res, async () => {
    const { run, retry } = await retryFlowRun(req.scope, req.params.id, { actor_type: "user", actor_id: req.auth_context.actor_id })
    return { flow_run: run, retry }
  })
