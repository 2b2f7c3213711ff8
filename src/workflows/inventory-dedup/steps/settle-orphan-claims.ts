import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"

export const settleOrphanClaimsStepId = "settle-orphan-claims-step"

/** Converts or releases held claims whose checkout will never finish; logs each fix. */
export const settleOrphanClaimsStep = createStep(
  settleOrphanClaimsStepId,
  async ({ stale_minutes }: { stale_minutes: number }, { container }) => {
    const service: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
    const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
    const settled = await service.settleOrphanClaims(stale_minutes)
    for (const c of settled.converted) {
      logger.info(`inventory-dedup: claim ${c.id} of cart ${c.cart_id} converted (order ${c.order_id} exists)`)
    }
    for (const c of settled.released) {
      logger.info(`inventory-dedup: stale claim ${c.id} of cart ${c.cart_id} released`)
    }
    return new StepResponse(settled)
  }
)
