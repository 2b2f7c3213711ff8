import { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import type { RunOrigin } from "../../modules/flow-runs"
import { ensureRunRecorder } from "../../workflows/flow-runs/recorder"
import { withRunOrigin } from "../../workflows/flow-runs/run-origin"

const COMPLETE_CART = /^\/store\/carts\/([^/]+)\/complete\/?$/

/**
 * Every workflow run a store or admin request starts is recorded with the route and the
 * person behind it: the admin user, the customer, or a guest. The actor is read when the
 * run begins, after Medusa has authenticated the request. Core's checkout route runs
 * complete-cart itself; its cart is the run's subject.
 */
export function recordRunOrigin(req: MedusaRequest, _res: MedusaResponse, next: MedusaNextFunction) {
  ensureRunRecorder(req.scope)
  const auth = () => (req as MedusaRequest & { auth_context?: { actor_type?: string; actor_id?: string } }).auth_context
  // The full path: inside a middleware Express gives `req.path` relative to where it is mounted.
  const path = (req.originalUrl ?? req.url).split("?")[0]
  const cart = COMPLETE_CART.exec(path)?.[1]
  const origin: RunOrigin = {
    trigger: "route",
    trigger_name: `${req.method} ${path}`.slice(0, 200),
    ...(cart ? { subject_type: "cart", subject_id: cart } : {}),
  }
  Object.defineProperties(origin, {
    actor_type: {
      enumerable: true,
      get: () => auth()?.actor_type ?? (path.startsWith("/store") ? "guest" : null),
    },
    actor_id: { enumerable: true, get: () => auth()?.actor_id ?? null },
  })
  withRunOrigin(origin, () => next())
}
