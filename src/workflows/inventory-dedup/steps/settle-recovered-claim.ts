import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"
import { OrderReservationPlan } from "./plan-order-reservations"

export type SettleRecoveredClaimInput = {
  claim_id: string
  cart_id: string
  /** The order the cart became; null when it never got that far. */
  order_id: string | null
  shortfalls?: OrderReservationPlan["shortfalls"]
}

export type SettledClaim = { status: "converted" | "released" | "none"; alert: string | null }

export const settleRecoveredClaimStepId = "settle-recovered-claim-step"

/**
 * The claim of a recovered completion: converted when its cart became an order (its
 * stock is now in that order's reservations), released when it never did. Stock the
 * order could not get is an alert on the claim and in the log — never silent.
 */
export const settleRecoveredClaimStep = createStep(
  settleRecoveredClaimStepId,
  async (input: SettleRecoveredClaimInput, { container }): Promise<StepResponse<SettledClaim>> => {
    const service: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
    const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
    if (!input.order_id) {
      const { result } = await service.releaseClaim({
        key: `cart:${input.cart_id}:recover:${input.claim_id}:release`,
        claim_id: input.claim_id,
        reason: "released by recovery: the completion died before creating an order",
      })
      return new StepResponse({ status: result.released ? "released" : "none", alert: null })
    }
    const alert = input.shortfalls?.length
      ? `Stock could not be reserved for order ${input.order_id}: ` +
        input.shortfalls.map((s) => `${s.sku ?? s.inventory_item_id} ${s.missing} unit(s)`).join(", ")
      : null
    if (alert) {
      logger.warn(`[omniflow] ${alert}`)
    }
    const { result } = await service.convertRecoveredClaim({
      key: `cart:${input.cart_id}:recover:${input.claim_id}:convert`,
      claim_id: input.claim_id,
      order_id: input.order_id,
      alert,
    })
    return new StepResponse({ status: result.converted ? "converted" : "none", alert })
  }
)
