import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"

export const listClaimsToRecoverStepId = "list-claims-to-recover-step"

/** Carts whose completion died with its process or went stale: each is then recovered. */
export const listClaimsToRecoverStep = createStep(
  listClaimsToRecoverStepId,
  async (input: { stale_minutes: number }, { container }) => {
    const service: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
    const claims = await service.listClaimsToRecover({ stale_minutes: input.stale_minutes })
    return new StepResponse(claims.map((c) => c.cart_id))
  }
)
