import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { RunConflictError } from "../../../../../../modules/flow-runs"
import { retryFlowRun } from "../../../../../../workflows/flow-runs/retry-flow-run"

/**
 * Starts a new run with the failed run's input, linked to it; the item leaves the inbox.
 * 409 when the run is not an open inbox item (it did not fail, or was retried or resolved).
 */
export const POST = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  try {
    const { run, retry } = await retryFlowRun(req.scope, req.params.id, { actor_type: "user", actor_id: req.auth_context.actor_id })
    res.json({ flow_run: run, retry })
  } catch (e) {
    // Medusa's error handler words every conflict the same; the admin needs to know why.
    if (e instanceof RunConflictError) {
      return res.status(409).json({ type: "conflict", message: e.message })
    }
    throw e
  }
}
