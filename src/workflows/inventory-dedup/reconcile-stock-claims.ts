import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { settleOrphanClaimsStep } from "./steps/settle-orphan-claims"
import { findReservationDriftStep } from "./steps/find-reservation-drift"

export const reconcileStockClaimsWorkflowId = "reconcile-stock-claims"

/**
 * Finds what a crash or a lost update left behind: claims whose checkout will not finish
 * (fixed), and cached reserved quantities that disagree with reservations (reported).
 *
 * @example
 * const { result } = await reconcileStockClaimsWorkflow(container).run({ input: { stale_minutes: 30 } })
 */
export const reconcileStockClaimsWorkflow = createWorkflow(
  reconcileStockClaimsWorkflowId,
  (input: { stale_minutes: number }) => {
    const settled = settleOrphanClaimsStep(input)
    const drift = findReservationDriftStep()
    return new WorkflowResponse({ settled, drift })
  }
)
