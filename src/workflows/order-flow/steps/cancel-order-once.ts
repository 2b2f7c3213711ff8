import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { cancelOrderWorkflow } from "@medusajs/medusa/core-flows"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"
import { findOrder } from "../../find-order"

export const cancelOrderOnceStepId = "cancel-order-once-step"

/**
 * Cancels the order through core's cancelOrderWorkflow — reservations deleted so the stock
 * is back, payment cancelled or refunded — as one keyed effect of the stock ledger. A
 * replay returns the first result; a re-run after a crash that left the order cancelled
 * but the ledger unwritten sees the order's status and does not cancel twice.
 */
export const cancelOrderOnceStep = createStep(
  cancelOrderOnceStepId,
  async ({ order_id }: { order_id: string }, { container }) => {
    const ledger: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
    const { result, replayed } = await ledger.applyOnce(`order:${order_id}:cancel`, "cancel", async () => {
      const order = await findOrder(container, order_id, ["id", "status", "canceled_at"])
      if (order?.status === "canceled") {
        return { order_id, already_canceled: true }
      }
      await cancelOrderWorkflow(container).run({ input: { order_id } })
      return { order_id, already_canceled: false }
    })
    return new StepResponse({ ...result, replayed })
  }
)
