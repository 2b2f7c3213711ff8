import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"

export type ReserveStockOnceInput = {
  key: string
  items: { inventory_item_id: string; location_id: string; quantity: number; line_item_id?: string }[]
}
type Ctx = { container: MedusaContainer }

/**
 * Core's reserve with an idempotency key. The reservations carry the key as their
 * `external_id`, so even when the process dies after the inventory module committed but
 * before the ledger did, the re-executed step finds them instead of reserving again.
 * Concurrent calls with one key wait on the ledger row and replay the first result.
 */
export async function reserveStockOnce(input: ReserveStockOnceInput, { container }: Ctx) {
  if (!input.items.length) {
    return new StepResponse([] as string[], { key: input.key, ids: [] as string[] })
  }
  const ledger: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
  const inventory = container.resolve(Modules.INVENTORY)
  const { result } = await ledger.applyOnce(input.key, "reserve", async () => {
    // external_id is filterable at run time; 2.21's filter type omits it.
    const existing = await inventory.listReservationItems({ external_id: input.key } as any)
    if (existing.length) {
      return existing.map((r) => r.id)
    }
    const created = await inventory.createReservationItems(
      input.items.map((item) => ({ ...item, external_id: input.key }))
    )
    return created.map((r) => r.id)
  })
  return new StepResponse(result, { key: input.key, ids: result })
}

/**
 * Deletes what the step reserved and takes its key out of the ledger, so that a retry of
 * the same effect (a recovery run after this one failed) reserves again.
 */
export async function deleteReservedStock(data: { key: string; ids: string[] } | undefined, { container }: Ctx) {
  if (!data?.ids?.length) {
    return
  }
  await container.resolve(Modules.INVENTORY).deleteReservationItems(data.ids)
  await (container.resolve(INVENTORY_DEDUP_MODULE) as InventoryDedupModuleService).forgetEffect(data.key)
}

export const reserveStockOnceStepId = "reserve-stock-once-step"
export const reserveStockOnceStep = createStep(reserveStockOnceStepId, reserveStockOnce, deleteReservedStock)
