import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { AUDIT_MODULE, AuditModuleService } from "../../../modules/audit"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService } from "../../../modules/customer-lifecycle"

export type RecordPrivacyAuditInput = {
  request_id: string
  /** Dotted verb: `privacy.export_requested`, `privacy.erasure_requested`, … */
  action: string
  /** Details beside the request id; nothing personal (the trail outlives the person). */
  details?: Record<string, unknown>
  skip?: boolean
}

export const recordPrivacyAuditStepId = "record-privacy-audit-step"

/**
 * Appends one audit entry about the request's customer, made by whoever asked (the
 * customer or the admin user), once per request and action: a resumed or retried run does
 * not write it again. The trail is append-only, so there is nothing to compensate.
 */
export const recordPrivacyAuditStep = createStep(
  recordPrivacyAuditStepId,
  async (input: RecordPrivacyAuditInput, { container }) => {
    if (input.skip) {
      return new StepResponse({ recorded: false })
    }
    const requests: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    const audit: AuditModuleService = container.resolve(AUDIT_MODULE)
    const request = await requests.retrievePrivacyRequest(input.request_id)
    const earlier = await audit.listAuditEntries({ action: input.action, target_type: "customer", target_id: request.customer_id })
    if (earlier.some((e: any) => e.details?.request_id === request.id)) {
      return new StepResponse({ recorded: false })
    }
    await audit.record([
      {
        actor_type: request.requested_by_type === "user" ? "user" : "customer",
        actor_id: request.requested_by_id,
        action: input.action,
        target_type: "customer",
        target_id: request.customer_id,
        details: { request_id: request.id, ...(input.details ?? {}) },
      },
    ])
    return new StepResponse({ recorded: true })
  }
)
