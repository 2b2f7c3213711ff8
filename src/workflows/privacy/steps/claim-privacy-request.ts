import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService } from "../../../modules/customer-lifecycle"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"

export type ClaimPrivacyRequestInput = { request_id: string; kind: "export" | "erasure" }

/** The request as the rest of the run needs it: ids only, never the personal data it holds. */
export type ClaimedPrivacyRequest = {
  request_id: string
  kind: string
  customer_id: string
  requested_by_type: string
  requested_by_id: string
  phases: { name: string; finished_at: string }[]
}

export const claimPrivacyRequestStepId = "claim-privacy-request-step"

/**
 * Marks the request as run by this process (its advisory-lock key), so the resume job can
 * tell a run cut off by a crash from one still working. A completed request, or one of
 * another kind, is refused. If the run fails later, compensation marks the request failed,
 * whoever started the run (a route, the resume job, a retry from the inbox): a failed
 * request waits for a retry instead of being picked up again every few minutes.
 */
export const claimPrivacyRequestStep = createStep(
  claimPrivacyRequestStepId,
  async ({ request_id, kind }: ClaimPrivacyRequestInput, { container }) => {
    const service: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    const owner = await (container.resolve(INVENTORY_DEDUP_MODULE) as InventoryDedupModuleService).processOwnerKey()
    const existing = await service.retrievePrivacyRequest(request_id)
    if (existing.kind !== kind) {
      throw new Error(`Privacy request ${request_id} is an ${existing.kind}, not an ${kind}`)
    }
    const row = await service.claimRequest(request_id, owner)
    const claimed: ClaimedPrivacyRequest = {
      request_id: row.id,
      kind: row.kind,
      customer_id: row.customer_id,
      requested_by_type: row.requested_by_type,
      requested_by_id: row.requested_by_id,
      phases: Array.isArray(row.phases) ? row.phases : [],
    }
    return new StepResponse(claimed, request_id)
  },
  async (request_id, { container }) => {
    if (!request_id) {
      return
    }
    const service: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    const [row] = await service.listPrivacyRequests({ id: request_id })
    if (row && row.state !== "completed") {
      await service.failRequest(request_id, "the run failed; see its run in the inbox")
    }
  }
)
