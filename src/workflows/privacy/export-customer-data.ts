import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { claimPrivacyRequestStep } from "./steps/claim-privacy-request"
import { collectCustomerDataStep } from "./steps/collect-customer-data"
import { completeDataExportStep } from "./steps/complete-data-export"
import { notifyDataExportStep } from "./steps/notify-data-export"
import { recordPrivacyAuditStep } from "./steps/record-privacy-audit"
import { storeDataExportStep } from "./steps/store-data-export"

export type ExportCustomerDataWorkflowInput = { request_id: string; customer_id: string; note?: string }

export const exportCustomerDataWorkflowId = "omniflow-export-customer-data"

/**
 * A customer's data export (GDPR Art. 15 and 20): everything held about them collected
 * into one JSON document, stored as a private file and handed out by the download routes
 * to whoever asked, until `customerLifecycle.exportLinkHours` have passed. A customer who
 * asked is told it is ready; a failing notification is recorded, never fails the export.
 * The request row (`omniflow_privacy_request`, kind `export`) must exist; a run that fails
 * leaves no file behind and the request `failed`.
 *
 * @example
 * const [request] = await lifecycle.createPrivacyRequests([
 *   { kind: "export", customer_id: "cus_123", requested_by_type: "customer", requested_by_id: "cus_123" },
 * ])
 * const { result } = await exportCustomerDataWorkflow(container).run({
 *   input: { request_id: request.id, customer_id: "cus_123" },
 * })
 * // result: { request_id, file_id, expires_at }
 */
export const exportCustomerDataWorkflow = createWorkflow(exportCustomerDataWorkflowId, (input: ExportCustomerDataWorkflowInput) => {
  const request = claimPrivacyRequestStep({ request_id: input.request_id, kind: "export" })
  recordPrivacyAuditStep(
    transform({ input }, ({ input }) => ({
      request_id: input.request_id,
      action: "privacy.export_requested",
      details: input.note ? { note: input.note } : {},
    }))
  )
  const { document } = collectCustomerDataStep(
    transform({ request }, ({ request }) => ({ request_id: request.request_id, customer_id: request.customer_id }))
  )
  const stored = storeDataExportStep(transform({ input, document }, ({ input, document }) => ({ request_id: input.request_id, document })))
  const completed = completeDataExportStep(
    transform({ input, stored }, ({ input, stored }) => ({ request_id: input.request_id, file_id: stored.file_id }))
  )
  notifyDataExportStep({ request_id: input.request_id })
  return new WorkflowResponse(completed)
})
