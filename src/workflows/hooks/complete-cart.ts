import { completeCartWorkflow } from "@medusajs/medusa/core-flows"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../modules/omniflow"
import {
  claimCartStock,
  ClaimCartStockCompensation,
  releaseCartClaim,
} from "../checkout-guard/steps/claim-cart-stock"
import { convertCartClaim, ConvertCartClaimInput, unconvertCartClaim } from "../checkout-guard/steps/convert-cart-claim"
import { chainHookHandler } from "../checkout-guard/chain-hook"

/**
 * # The checkout guard inside core's `completeCartWorkflow`, sharing its hooks with the shop
 *
 * The guard rides on core's own cart completion, so every completion is guarded — the
 * store API's `POST /store/carts/:id/complete` and a shop's own
 * `completeCartWorkflow(container).run(...)` alike:
 * - `validate` hook (before the order exists): the cart's stock is claimed — or the claim
 *   OmniFlow's admission middleware took when the request arrived is adopted. A shortage
 *   fails the completion with `Out of stock — SKU: n requested, m available`. The claim is
 *   released if anything later fails (the hook's compensation).
 * - `orderCreated` hook (core's reservations exist): the claim is converted.
 *
 * ## Your own `completeCartWorkflow` hooks keep working
 * Core accepts one handler per hook. OmniFlow therefore does not *register* these hooks: it
 * chains itself into them ({@link chainHookHandler}), and a shop registers its own handler
 * exactly as without the plugin, in its `src/workflows/hooks/*.ts`:
 *
 * ```ts
 * completeCartWorkflow.hooks.validate(async ({ cart }) => {
 *   if (cart.total < 20) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Minimum order is 20")
 * }, async (data, ctx) => { … })
 * ```
 *
 * - `validate`: OmniFlow's claim runs first, then the shop's handler. If the shop's handler
 *   throws, the claim is released before the error propagates (the cart's stock is back at
 *   once). If a later step fails, the shop's compensation runs, then the claim is released.
 * - `orderCreated`: the shop's handler runs first, then the claim is converted, so a shop
 *   handler that throws leaves a held claim, which the `validate` compensation releases.
 * - Load order does not matter. Medusa loads the `src/workflows` folders of every plugin and
 *   of the project concurrently (`WorkflowLoader` → `ResourceLoader.discoverResources` walks
 *   all folders with `promiseAll`, then `require`s the files of each as soon as its walk
 *   ends), so a shop's small `src/workflows/hooks` often loads before the plugin. Either
 *   way: a handler already registered is chained when this file loads; one registered later
 *   is chained when it registers.
 * - A second handler for the same hook still fails the boot, as in core.
 * - `inventoryDedup.checkoutGuard: false` turns OmniFlow's part off at run time; the shop's
 *   handlers run as before.
 * - A shop's compensation may be called without input when its step failed, as core does.
 * - `orderCreated` is created by core at run time but missing from 2.21's declared type of
 *   `completeCartWorkflow.hooks`; `CompleteCartHooks`
 *   (`../checkout-guard/complete-cart-hooks`) types it for shops. OmniFlow itself addresses
 *   hooks by name, so it needs no cast.
 *
 * How the chaining works, and which Medusa internals it leans on (checked against 2.21.2):
 * `../checkout-guard/chain-hook.ts`. Proven on a shop app with hooks of its own:
 * `integration-tests/http/shop-hooks.spec.ts`; both load orders: `chain-hook.unit.spec.ts`.
 */
const guardOn = (container: MedusaContainer) =>
  (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().inventoryDedup.checkoutGuard

/** The cart being completed: `completeCartWorkflow`'s input is `{ id }`. */
const cartOf = ({ payload }: { payload: unknown }) => ({ cart_id: (payload as { id: string }).id })

chainHookHandler(completeCartWorkflow, "validate", {
  position: "before",
  input: cartOf,
  invoke: async ({ cart_id }, ctx) =>
    guardOn(ctx.container) ? await claimCartStock({ cart_id }, ctx) : new StepResponse(null, null),
  compensate: (data: ClaimCartStockCompensation | undefined, ctx) => releaseCartClaim(data ?? null, ctx),
})

chainHookHandler(completeCartWorkflow, "orderCreated", {
  position: "after",
  input: cartOf,
  invoke: async ({ cart_id }, ctx) => {
    if (!guardOn(ctx.container)) {
      return new StepResponse(null)
    }
    // The order core just linked to the cart (the hook runs after `createRemoteLinkStep`).
    const query = ctx.container.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id } })
    const order_id = data[0]?.order_id as string | undefined
    return order_id ? await convertCartClaim({ cart_id, order_id }, ctx) : new StepResponse(null)
  },
  // Core's completion rolled back after all (nested in a shop's workflow that failed later):
  // the claim holds again, and the validate part's compensation then releases it.
  compensate: (data: ConvertCartClaimInput | null | undefined, ctx) => unconvertCartClaim(data, ctx),
})
