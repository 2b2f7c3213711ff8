import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { listClaimsToRecoverStep } from "./steps/list-claims-to-recover"
import { findReservationDriftStep } from "./steps/find-reservation-drift"

export const reconcileStockClaimsWorkflowId = "reconcile-stock-claims"

/**
 * Finds what a crash or a lost update left behind: carts whose completion died (each is
 * then finished or ended by `recoverCheckoutWorkflow`), and cached reserved quantities
 * that disagree with reservations (reported: the guard never trusts that column).
 *
 * @example
 * const { result } = await reconcileStockClaimsWorkflow(container).run({ input: { stale_minutes: 30 } })
 * // result.carts: cart ids to recover
 */
export const reconcileStockClaimsWorkflow = createWorkflow(
  reconcileStockClaimsWorkflowId,
  (input: { stale_minutes: number }) => {
    const carts = listClaimsToRecoverStep(input)
    const drift = findReservationDriftStep()
    return new WorkflowResponse({ carts, drift })
  }
)
