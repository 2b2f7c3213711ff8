import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { notifyCustomerStep, NotifyCustomerInput } from "./steps/notify-customer"

export const retryCustomerNotificationWorkflowId = "retry-customer-notification"

/**
 * Sends a customer notification whose earlier attempt failed, with the same template, data
 * and idempotency key; the outcome is recorded on the order's timeline either way.
 *
 * @example
 * await retryCustomerNotificationWorkflow(container).run({
 *   input: { order_id: "order_123", template: "omniflow-order-canceled", data: { message: "…" } },
 * })
 */
export const retryCustomerNotificationWorkflow = createWorkflow(
  retryCustomerNotificationWorkflowId,
  (input: NotifyCustomerInput) => new WorkflowResponse(notifyCustomerStep(input))
)
