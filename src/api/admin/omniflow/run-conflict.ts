import { MedusaResponse } from "@medusajs/framework/http"
import { RunConflictError } from "../../../modules/flow-runs"

/**
 * Runs an inbox action and answers a conflict (a second retry, resolving a run that is not
 * open) as 409 with its own message: Medusa's error handler words every conflict the same,
 * and the admin needs to know why.
 */
export async function answeringRunConflicts(res: MedusaResponse, action: () => Promise<unknown>) {
  try {
    res.json(await action())
  } catch (e) {
    if (e instanceof RunConflictError) {
      res.status(409).json({ type: "conflict", message: e.message })
      return
    }
    throw e
  }
}
