import { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { FeatureFlag } from "@medusajs/framework/utils"
import { recordUserRolesWorkflow } from "../../workflows/customer-lifecycle"
import { runFlow } from "../../workflows/flow-runs/run-flow"
import { afterSuccess } from "../utils/after-success"

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [])

/**
 * In front of Medusa's role routes: `/admin/users/:id/roles` (one user; body `roles`),
 * `/admin/users/:id/roles/:role_id` (one user, one role) and `/admin/rbac/roles/:id/users`
 * (one role; body `users`). POST adds, DELETE removes. Once Medusa has answered 2xx, the
 * change is audited and the users told. Inert when the RBAC feature flag is off.
 */
export function auditUserRoleChange(kind: "user" | "user-role" | "role") {
  return (req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) => {
    if (!FeatureFlag.isFeatureEnabled("rbac")) {
      return next()
    }
    const body = (req.body ?? {}) as { roles?: unknown; users?: unknown }
    const adding = req.method === "POST"
    const change = (user_id: string, roles: string[]) => ({
      user_id,
      added: adding ? roles : [],
      removed: adding ? [] : roles,
    })
    const changes =
      kind === "user"
        ? [change(req.params.id, ids(body.roles))]
        : kind === "user-role"
          ? [change(req.params.id, [req.params.role_id])]
          : ids(body.users).map((user_id) => change(user_id, [req.params.id]))
    if (changes.some((c) => c.added.length || c.removed.length)) {
      afterSuccess(req, res, () => {
        const actorId = (req as MedusaRequest & { auth_context?: { actor_id?: string } }).auth_context?.actor_id ?? null
        return runFlow(req.scope, recordUserRolesWorkflow, { changes, actor: { type: "user", id: actorId } })
      })
    }
    next()
  }
}

