import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { runOrigin, withRunOrigin } from "../../workflows/flow-runs/run-origin"

/**
 * Runs `fn` once the route has answered 2xx, in the request's run origin (route and
 * actor), after the buyer or admin has their answer. For core routes whose workflows have
 * no hook and emit no event: the plugin learns of the change here without taking a slot.
 */
export function afterSuccess(req: MedusaRequest, res: MedusaResponse, fn: () => Promise<unknown>) {
  const origin = runOrigin.getStore()
  res.once("finish", () => {
    if (res.statusCode < 200 || res.statusCode >= 300) {
      return
    }
    const run = () =>
      fn().catch((e) => req.scope.resolve("logger").error(`[omniflow] after ${req.method} ${req.originalUrl}: ${(e as Error).message}`))
    void (origin ? withRunOrigin({ ...origin }, run) : run())
  })
}
