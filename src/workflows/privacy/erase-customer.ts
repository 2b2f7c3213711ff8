import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { assessPersonalDataStep } from "./steps/assess-personal-data"
import { cancelUnfulfilledOrdersStep } from "./steps/cancel-unfulfilled-orders"
import { claimPrivacyRequestStep } from "./steps/claim-privacy-request"
import { erasePersonalDataStep } from "./steps/erase-personal-data"
import { issueErasureCertificateStep } from "./steps/issue-erasure-certificate"
import { recordPrivacyAuditStep } from "./steps/record-privacy-audit"
import { revokeCustomerAccessStep } from "./steps/revoke-customer-access"
import { verifyErasureStep } from "./steps/verify-erasure"

export type EraseCustomerWorkflowInput = { request_id: string; customer_id: string; note?: string }

export const eraseCustomerWorkflowId = "omniflow-erase-customer"

/**
 * A customer's erasure (GDPR Art. 17), in phases that each save their end on the request:
 * `revoke` (logins deleted, open carts emptied) → `assess` (what is there, counted) →
 * `erase` (personal fields blanked, amounts, items and tax data kept; the customer deleted)
 * → `verify` (the whole schema searched for the email, phone and names) → `certificate`
 * (search terms cleared, request completed). Each phase that finds itself recorded does
 * nothing, so a run cut off by a crash is continued from the next phase by the resume job
 * (`src/jobs/resume-privacy-requests.ts`). Orders still to be fulfilled are canceled first
 * or refuse the erasure, as `customerLifecycle.unfulfilledOrders` says. The request row
 * (`openErasure`, with the subject to search for) must exist.
 *
 * @example
 * const { request } = await lifecycle.openErasure({
 *   customer_id: "cus_123",
 *   requester: { type: "user", id: "user_123" },
 *   subject: { email: "ada@example.com", first_name: "Ada", last_name: "Lovelace", phone: null },
 * })
 * await eraseCustomerWorkflow(container).run({ input: { request_id: request.id, customer_id: "cus_123" } })
 */
export const eraseCustomerWorkflow = createWorkflow(eraseCustomerWorkflowId, (input: EraseCustomerWorkflowInput) => {
  const request = claimPrivacyRequestStep({ request_id: input.request_id, kind: "erasure" })
  const started = transform({ request }, ({ request }) => request.phases.some((p) => p.name === "revoke"))
  recordPrivacyAuditStep(
    transform({ input, started }, ({ input, started }) => ({
      request_id: input.request_id,
      action: "privacy.erasure_requested",
      details: input.note ? { note: input.note } : {},
      skip: started,
    }))
  )
  cancelUnfulfilledOrdersStep(
    transform({ request, started }, ({ request, started }) => ({ customer_id: request.customer_id, skip: started }))
  )
  const phase = transform({ request }, ({ request }) => ({ request_id: request.request_id, customer_id: request.customer_id }))
  revokeCustomerAccessStep(phase)
  assessPersonalDataStep(phase)
  erasePersonalDataStep(phase)
  verifyErasureStep(phase)
  issueErasureCertificateStep(phase)
  return new WorkflowResponse(transform({ request }, ({ request }) => ({ request_id: request.request_id, state: "completed" })))
})
