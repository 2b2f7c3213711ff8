import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { OrderWorkflowEvents } from "@medusajs/framework/utils"
import { acquireLockStep, emitEventStep, releaseLockStep, updateCartsStep } from "@medusajs/medusa/core-flows"
import { findCheckoutToRecoverStep } from "./steps/find-checkout-to-recover"
import { linkRecoveredOrderStep } from "./steps/link-recovered-order"
import { planOrderReservationsStep } from "./steps/plan-order-reservations"
import { reserveStockOnceStep } from "./steps/reserve-stock-once"
import { authorizeRecoveredPaymentStep } from "./steps/authorize-recovered-payment"
import { settleRecoveredClaimStep } from "./steps/settle-recovered-claim"

export type RecoverCheckoutWorkflowInput = {
  cart_id: string
  /** A claim older than this counts as abandoned even if its owner process still lives. */
  stale_minutes: number
}

export const recoverCheckoutWorkflowId = "recover-checkout"

/**
 * Finishes — or cleanly ends — a cart completion that died with its server process.
 * Under the cart's lock (the one core's completion takes), so it never races a completion
 * of the same cart. If the cart became an order, the order gets what core's completion
 * would have given it after that point: its links (so a retry returns this order, never a
 * second one), its reservations (keyed: a repeat reserves nothing twice), the cart marked
 * completed, the payment session authorised, the claim converted and `order.placed`
 * emitted (core emits it only when a completion finishes, so the order flow starts now).
 * If the cart never became an order, its claim is released and the buyer can simply retry.
 * Stock the order can no longer get is an alert on the claim, and the order flow holds the
 * order for review.
 *
 * @example
 * await recoverCheckoutWorkflow(container).run({ input: { cart_id: "cart_123", stale_minutes: 30 } })
 */
export const recoverCheckoutWorkflow = createWorkflow(
  recoverCheckoutWorkflowId,
  (input: RecoverCheckoutWorkflowInput) => {
    acquireLockStep({ key: input.cart_id, timeout: 30, ttl: 120 })
    const found = findCheckoutToRecoverStep(input)

    const recovered = when("recover-placed-order", { found }, ({ found }) => !!found?.order_id).then(() => {
      const ids = transform({ found }, ({ found }) => ({ order_id: found!.order_id!, cart_id: found!.cart_id }))
      linkRecoveredOrderStep(ids)
      const plan = planOrderReservationsStep(ids)
      reserveStockOnceStep(
        transform({ ids, plan }, ({ ids, plan }) => ({ key: `order:${ids.order_id}:recover-reserve`, items: plan.items }))
      )
      updateCartsStep(transform({ ids }, ({ ids }) => [{ id: ids.cart_id, completed_at: new Date() }]))
      const payment = authorizeRecoveredPaymentStep(ids)
      const settled = settleRecoveredClaimStep(
        transform({ found, plan }, ({ found, plan }) => ({
          claim_id: found!.claim_id,
          cart_id: found!.cart_id,
          order_id: found!.order_id,
          shortfalls: plan.shortfalls,
        }))
      )
      emitEventStep({
        eventName: OrderWorkflowEvents.PLACED,
        data: transform({ ids }, ({ ids }) => ({ id: ids.order_id })),
      })
      return transform({ settled, payment, plan }, ({ settled, payment, plan }) => ({
        claim: settled.status,
        alert: settled.alert,
        payment: payment.status,
        reserved: plan.items.length,
      }))
    })

    const released = when("release-unordered-claim", { found }, ({ found }) => !!found && !found.order_id).then(() =>
      settleRecoveredClaimStep(
        transform({ found }, ({ found }) => ({ claim_id: found!.claim_id, cart_id: found!.cart_id, order_id: null }))
      ).config({ name: "release-abandoned-claim" })
    )

    releaseLockStep({ key: input.cart_id })

    return new WorkflowResponse(
      transform({ found, recovered, released }, ({ found, recovered, released }) => ({
        cart_id: found?.cart_id ?? null,
        order_id: found?.order_id ?? null,
        claim: (recovered?.claim ?? released?.status ?? "none") as string,
        alert: recovered?.alert ?? null,
        payment: recovered?.payment ?? null,
        reserved: recovered?.reserved ?? 0,
      }))
    )
  }
)
