import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { completeCheckoutCartStep } from "./steps/complete-checkout-cart"
import { settleCheckoutStep } from "./steps/settle-checkout"

export type CompleteCheckoutWorkflowInput = { checkout_id: string }

export const completeCheckoutWorkflowId = "omniflow-complete-checkout"

/**
 * Places the order of a checkout answered at arrival (`Prefer: respond-async`): the buyer
 * already holds the stock (claimed when the request arrived) and was told `202`; this
 * runs core's completion at the server's pace and settles the checkout `placed` (with the
 * order) or `failed` (with the reason, the claim released and the stock back). A
 * checkout whose process died is run again by the resume job; core's completion returns
 * the order a first run placed, never a second one.
 *
 * @example
 * await completeCheckoutWorkflow(container).run({ input: { checkout_id: "chk_123" } })
 */
export const completeCheckoutWorkflow = createWorkflow(completeCheckoutWorkflowId, (input: CompleteCheckoutWorkflowInput) => {
  const outcome = completeCheckoutCartStep(input)
  return new WorkflowResponse(settleCheckoutStep(outcome))
})
