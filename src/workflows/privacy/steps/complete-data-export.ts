import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { AUDIT_MODULE, AuditModuleService } from "../../../modules/audit"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService } from "../../../modules/customer-lifecycle"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"

export type CompleteDataExportInput = { request_id: string; file_id: string }

const HOUR_MS = 3600 * 1000

export const completeDataExportStepId = "complete-data-export-step"

/**
 * Marks the export completed with its file and until when the link works
 * (`customerLifecycle.exportLinkHours` from now), and notes it in the audit trail.
 * Compensation takes the file off the request again, so the request never points at a
 * file that the store step's compensation has deleted.
 */
export const completeDataExportStep = createStep(
  completeDataExportStepId,
  async ({ request_id, file_id }: CompleteDataExportInput, { container }) => {
    const service: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    const { exportLinkHours } = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().customerLifecycle
    const expires_at = new Date(Date.now() + exportLinkHours * HOUR_MS)
    const request = await service.updatePrivacyRequests({ id: request_id, file_id, expires_at, run_owner: null })
    // Audited before the request shows as completed: whoever sees it completed finds the entry.
    await (container.resolve(AUDIT_MODULE) as AuditModuleService).record([
      {
        actor_type: "system",
        actor_id: null,
        action: "privacy.export_completed",
        target_type: "customer",
        target_id: request.customer_id,
        details: { request_id, expires_at: expires_at.toISOString() },
      },
    ])
    await service.finishPhase(request_id, "export", { state: "completed" })
    return new StepResponse({ request_id, file_id, expires_at: expires_at.toISOString() }, request_id)
  },
  async (request_id, { container }) => {
    if (!request_id) {
      return
    }
    const service: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    await service.updatePrivacyRequests({ id: request_id, file_id: null, expires_at: null, state: "running", completed_at: null })
  }
)
