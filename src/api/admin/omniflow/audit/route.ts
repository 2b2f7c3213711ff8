import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { AUDIT_MODULE, AuditModuleService } from "../../../../modules/audit"
import { AdminListAuditParamsType } from "../../../customer-lifecycle-middlewares"

/** The audit trail, newest first, filtered by target id, action and actor id. Read-only. */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const { limit, offset, target, action, actor } = req.validatedQuery as AdminListAuditParamsType
  const audit: AuditModuleService = req.scope.resolve(AUDIT_MODULE)
  const where = Object.fromEntries(
    Object.entries({ target_id: target, action, actor_id: actor }).filter(([, v]) => v !== undefined)
  )
  const [audit_entries, count] = await audit.listAndCountAuditEntries(where, {
    take: limit,
    skip: offset,
    order: { created_at: "DESC", id: "DESC" },
  })
  res.json({ audit_entries, count, limit, offset })
}
