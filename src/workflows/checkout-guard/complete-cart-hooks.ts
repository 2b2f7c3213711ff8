import type { completeCartWorkflow } from "@medusajs/medusa/core-flows"
import type { CompensateFn, InvokeFn } from "@medusajs/framework/workflows-sdk"

/**
 * `completeCartWorkflow`'s hooks as they exist at run time. Medusa 2.21 types only
 * `validate` (its `WorkflowResponse` lists only that hook); `beforePaymentAuthorization`
 * and `orderCreated` are created by the workflow too (`@ignore`d in core's docs) and are
 * registered the same way. Importing this file has no side effects:
 *
 * ```ts
 * import type { CompleteCartHooks } from "medusa-plugin-omniflow/workflows/checkout-guard/complete-cart-hooks"
 * const hooks = completeCartWorkflow.hooks as CompleteCartHooks
 * hooks.orderCreated(async ({ order_id, cart_id }, { container }) => { … })
 * ```
 */
export type CompleteCartHooks = typeof completeCartWorkflow.hooks & {
  orderCreated: <TCompensate>(
    invoke: InvokeFn<{ order_id: string; cart_id: string }, unknown, TCompensate>,
    compensate?: CompensateFn<TCompensate>
  ) => void
  beforePaymentAuthorization: <TCompensate>(
    invoke: InvokeFn<{ input: { id: string } }, unknown, TCompensate>,
    compensate?: CompensateFn<TCompensate>
  ) => void
}
