import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MedusaContainer } from "@medusajs/framework/types"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"
import { claimKeyFor } from "./claim-cart-stock"

export type ConvertCartClaimInput = { cart_id: string; order_id: string }
type Ctx = { container: MedusaContainer; context?: { transactionId?: string } }

/**
 * Runs once core's reservations exist: from here on they, not the claim, hold the stock,
 * so the units are never counted twice nor zero times.
 */
export async function convertCartClaim(input: ConvertCartClaimInput, { container, context }: Ctx) {
  const service: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
  const { result } = await service.convertClaim({
    key: `${claimKeyFor(input.cart_id, context?.transactionId)}:convert`,
    cart_id: input.cart_id,
    order_id: input.order_id,
  })
  return new StepResponse(result, result.claim_id ? { cart_id: input.cart_id, order_id: input.order_id } : null)
}

/** The completion was rolled back after the conversion: the claim holds the stock again. */
export async function unconvertCartClaim(data: ConvertCartClaimInput | null | undefined, { container }: Ctx) {
  if (!data) {
    return
  }
  await (container.resolve(INVENTORY_DEDUP_MODULE) as InventoryDedupModuleService).unconvertClaim(data)
}

export const convertCartClaimStepId = "convert-cart-claim-step"
export const convertCartClaimStep = createStep(convertCartClaimStepId, convertCartClaim, unconvertCartClaim)
