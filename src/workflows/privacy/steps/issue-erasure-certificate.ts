import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { AUDIT_MODULE, AuditModuleService } from "../../../modules/audit"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService, phaseDone } from "../../../modules/customer-lifecycle"
import { ErasurePhaseInput } from "./revoke-customer-access"

export const issueErasureCertificateStepId = "issue-erasure-certificate-step"

/**
 * Erasure phase `certificate`: the search terms are cleared from the request, which is
 * completed. What stays is the certificate — request id, each phase's time, the counts per
 * kind and what verification searched — with no personal data. The audit trail gets
 * `privacy.erasure_completed`, made by whoever asked for the erasure.
 */
export const issueErasureCertificateStep = createStep(
  issueErasureCertificateStepId,
  async ({ request_id, customer_id }: ErasurePhaseInput, { container }) => {
    const requests: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    const request = await requests.retrievePrivacyRequest(request_id)
    if (phaseDone(request, "certificate")) {
      return new StepResponse({ skipped: true })
    }
    // The entry first, once: a run cut off after it finds it and only completes the request.
    const audit: AuditModuleService = container.resolve(AUDIT_MODULE)
    const earlier = await audit.listAuditEntries({ action: "privacy.erasure_completed", target_type: "customer", target_id: customer_id })
    if (!earlier.some((e: any) => e.details?.request_id === request_id)) {
      await audit.record([
        {
          actor_type: request.requested_by_type === "user" ? "user" : "customer",
          actor_id: request.requested_by_id,
          action: "privacy.erasure_completed",
          target_type: "customer",
          target_id: customer_id,
          details: { request_id },
        },
      ])
    }
    await requests.finishPhase(request_id, "certificate", { subject: null, state: "completed" })
    await requests.updatePrivacyRequests({ id: request_id, run_owner: null })
    return new StepResponse({ skipped: false })
  }
)
