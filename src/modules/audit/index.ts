import { Module } from "@medusajs/framework/utils"
import AuditModuleService from "./service"

export const AUDIT_MODULE = "omniflowAudit"

export default Module(AUDIT_MODULE, {
  service: AuditModuleService,
})

export { AuditModuleService }
export * from "./service"
export { AUDIT_ACTOR_TYPES } from "./models/audit-entry"
