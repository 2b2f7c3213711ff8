import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MedusaContainer } from "@medusajs/framework/types"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"
import { getCartStockNeeds } from "../cart-stock-needs"

export type ClaimCartStockInput = { cart_id: string }
export type ClaimCartStockCompensation = { claim_id: string; key: string } | null

type Ctx = { container: MedusaContainer; context?: { transactionId?: string } }

export const claimKeyFor = (cartId: string, transactionId?: string) =>
  `cart:${cartId}:${transactionId ?? "direct"}`

/**
 * Claims the cart's whole stock before the order exists — or adopts the claim the checkout
 * queue took when the request arrived. The key carries the workflow run's transaction id,
 * so a retried or re-executed step replays its first result, while a new attempt to
 * complete the same cart after a failure claims afresh.
 */
export async function claimCartStock({ cart_id }: ClaimCartStockInput, { container, context }: Ctx) {
  const service: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
  const key = claimKeyFor(cart_id, context?.transactionId)
  const adopted = await service.adoptClaim({ key: `${key}:adopt`, cart_id })
  if (adopted.result.claim_id) {
    return new StepResponse(adopted.result, { claim_id: adopted.result.claim_id, key } as ClaimCartStockCompensation)
  }
  const needs = await getCartStockNeeds(container, cart_id)
  if (!needs) {
    return new StepResponse(null, null as ClaimCartStockCompensation)
  }
  const { result } = await service.claimStock({ key, ...needs, source: "checkout" })
  const compensation: ClaimCartStockCompensation =
    result.status === "held" && result.claim_id ? { claim_id: result.claim_id, key } : null
  return new StepResponse(result, compensation)
}

/** The checkout failed after the claim: its stock goes back at once. */
export async function releaseCartClaim(data: ClaimCartStockCompensation, { container }: Ctx) {
  if (!data) {
    return
  }
  const service: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
  await service.releaseClaim({
    key: `${data.key}:release`,
    claim_id: data.claim_id,
    reason: "checkout failed after the claim",
  })
}

export const claimCartStockStepId = "claim-cart-stock-step"
export const claimCartStockStep = createStep(claimCartStockStepId, claimCartStock, releaseCartClaim)
