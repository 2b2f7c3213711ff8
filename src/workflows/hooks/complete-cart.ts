import { completeCartWorkflow } from "@medusajs/medusa/core-flows"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../modules/omniflow"
import { claimCartStock, releaseCartClaim } from "../checkout-guard/steps/claim-cart-stock"
import { convertCartClaim } from "../checkout-guard/steps/convert-cart-claim"

/**
 * The checkout guard rides on core's own cart completion: the stock is claimed in the
 * `validate` hook (before the order exists, released again if completion fails later)
 * and handed over to core's reservations in `orderCreated`.
 */
const guardOn = (container: { resolve: (k: string) => unknown }) =>
  (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().inventoryDedup.checkoutGuard

completeCartWorkflow.hooks.validate(async ({ cart }, ctx) => {
  if (!guardOn(ctx.container)) {
    return new StepResponse(null, null)
  }
  return await claimCartStock({ cart_id: cart.id }, ctx)
}, releaseCartClaim)

// Registered at run time although 2.21's typings list only `validate`.
const hooks = completeCartWorkflow.hooks as typeof completeCartWorkflow.hooks & {
  orderCreated: (
    invoke: (input: { order_id: string; cart_id: string }, ctx: any) => Promise<StepResponse<unknown>>
  ) => void
}

hooks.orderCreated(async ({ order_id, cart_id }, ctx) => {
  if (!guardOn(ctx.container)) {
    return new StepResponse(null)
  }
  return await convertCartClaim({ order_id, cart_id }, ctx)
})
