import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"

export const findReservationDriftStepId = "find-reservation-drift-step"

/**
 * Reports levels whose reserved_quantity disagrees with their reservations. It does not
 * rewrite them: that column belongs to the inventory module, and OmniFlow's guard never
 * trusts it (it sums the reservations), so drift cannot make it oversell.
 */
export const findReservationDriftStep = createStep(findReservationDriftStepId, async (_: void, { container }) => {
  const service: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const drift = await service.findReservationDrift()
  for (const d of drift) {
    logger.warn(
      `inventory-dedup: level ${d.inventory_item_id}@${d.location_id} has reserved_quantity ${d.reserved_quantity} but reservations sum to ${d.reservations}`
    )
  }
  return new StepResponse(drift)
})
