import { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { cancelOrderWorkflow } from "@medusajs/medusa/core-flows"
import { AUDIT_MODULE, AuditModuleService } from "../../../modules/audit"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"
import { findOrder } from "../../find-order"

export const cancelOrderOnceStepId = "cancel-order-once-step"

/**
 * Cancels the order through core's cancelOrderWorkflow — reservations deleted so the stock
 * is back, payment cancelled or refunded — as one keyed effect of the stock ledger. A
 * replay returns the first result; a re-run after a crash that left the order cancelled
 * but the ledger unwritten sees the order's status and does not cancel twice.
 *
 * Core's cancelOrderWorkflow runs inside the ledger's keyed effect (its key is taken and
 * written around the call), which a nested `runAsStep` could not be part of. When core
 * refuses (an order with a fulfilment, say), the step returns the `error` and the order
 * flow marks the flow failed with it; nothing was cancelled. The cancellation is written to
 * the audit trail inside the same keyed effect, so it is audited exactly once.
 */
export const cancelOrderOnceStep = createStep(
  cancelOrderOnceStepId,
  async ({ order_id, reason }: { order_id: string; reason?: string | null }, { container }) => {
    try {
      return new StepResponse({ ...(await cancelOrderOnce(container, order_id, reason ?? null)), error: null as string | null })
    } catch (e) {
      // Nothing was written to the ledger, so a retry cancels for real.
      return new StepResponse({ order_id, already_canceled: false, replayed: false, error: (e as Error)?.message ?? String(e) })
    }
  }
)

/**
 * The order flow's cancellation, for other flows that must cancel an order (an erasure
 * that cancels open orders first): core's cancelOrderWorkflow inside the ledger's keyed
 * effect `order:<id>:cancel`, audited once. Cancelling an order twice — here and in its
 * order flow — cancels it once. Throws core's refusal.
 */
export async function cancelOrderOnce(container: MedusaContainer, order_id: string, reason: string | null) {
  const ledger: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
  const { result, replayed } = await ledger.applyOnce(`order:${order_id}:cancel`, "cancel", async () => {
    const order = await findOrder(container, order_id, ["id", "status", "canceled_at"])
    if (order?.status === "canceled") {
      return { order_id, already_canceled: true }
    }
    await cancelOrderWorkflow(container).run({ input: { order_id } })
    await (container.resolve(AUDIT_MODULE) as AuditModuleService).record([
      { actor_type: "system", action: "order.canceled", target_type: "order", target_id: order_id, details: { reason } },
    ])
    return { order_id, already_canceled: false }
  })
  return { ...(result as { order_id: string; already_canceled: boolean }), replayed }
}
