import { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { recordCustomerGroupsWorkflow } from "../../workflows/customer-lifecycle"
import { runFlow } from "../../workflows/flow-runs/run-flow"
import { afterSuccess } from "../utils/after-success"

type LinkBody = { add?: unknown; remove?: unknown }

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [])

/**
 * In front of core's `POST /admin/customers/:id/customer-groups` (one customer, groups
 * added and removed) and `POST /admin/customer-groups/:id/customers` (one group, customers
 * added and removed): once core has made the change, the change is audited and, if the
 * options say so, the customers are told.
 */
export function auditCustomerGroupChange(kind: "customer" | "group") {
  return (req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) => {
    const body = (req.body ?? {}) as LinkBody
    const add = ids(body.add)
    const remove = ids(body.remove)
    const id = req.params.id
    const changes =
      kind === "customer"
        ? [{ customer_id: id, added: add, removed: remove }]
        : [
            ...add.map((customer_id) => ({ customer_id, added: [id], removed: [] as string[] })),
            ...remove.map((customer_id) => ({ customer_id, added: [] as string[], removed: [id] })),
          ]
    if (changes.some((c) => c.added.length || c.removed.length)) {
      afterSuccess(req, res, () => {
        // Read now: Medusa authenticates the request after this middleware is entered.
        const actorId = (req as MedusaRequest & { auth_context?: { actor_id?: string } }).auth_context?.actor_id ?? null
        const subject = changes.length === 1 ? { subject_type: "customer", subject_id: changes[0].customer_id } : {}
        return runFlow(req.scope, recordCustomerGroupsWorkflow, { changes, actor: { type: "user", id: actorId } }, subject)
      })
    }
    next()
  }
}
