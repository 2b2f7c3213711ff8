import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MathBN } from "@medusajs/framework/utils"
import { MedusaContainer } from "@medusajs/framework/types"
import { findOrder } from "../../find-order"

export type OrderPaymentState = {
  /** Authorised, not yet captured, not cancelled: what capture takes. */
  capturable_payment_ids: string[]
  captured: boolean
  /** Something to capture or already captured; otherwise the order waits for payment. */
  ready: boolean
}

export const getOrderPaymentStateStepId = "get-order-payment-state-step"

/** Whether the order's payment is authorised, captured, or not there yet. */
export async function readOrderPaymentState(container: MedusaContainer, order_id: string): Promise<OrderPaymentState> {
  const order = await findOrder(container, order_id, [
    "id",
    "payment_collections.id",
    "payment_collections.status",
    "payment_collections.payments.id",
    "payment_collections.payments.captured_at",
    "payment_collections.payments.canceled_at",
    "payment_collections.payments.captures.id",
    "payment_collections.payments.captures.amount",
    "payment_collections.payments.refunds.amount",
  ])
  const payments = (order?.payment_collections ?? [])
    .filter((pc: any) => pc && pc.status !== "canceled")
    .flatMap((pc: any) => pc.payments ?? [])
    .filter((p: any) => p && !p.canceled_at)
  const sum = (rows: any[] | undefined) => (rows ?? []).reduce((s, r) => s + MathBN.convert(r?.amount ?? 0).toNumber(), 0)
  const isCaptured = (p: any) => !!p.captured_at || (p.captures?.length ?? 0) > 0
  // A capture that was refunded in full (a compensated capture) is money given back, not
  // a payment: such a payment can be neither captured again nor counted as paid.
  const refundedInFull = (p: any) => isCaptured(p) && sum(p.refunds) >= sum(p.captures) && sum(p.captures) > 0
  const live = payments.filter((p: any) => !refundedInFull(p))
  const state: OrderPaymentState = {
    capturable_payment_ids: live.filter((p: any) => !isCaptured(p)).map((p: any) => p.id),
    captured: live.length > 0 && live.every(isCaptured),
    ready: live.length > 0,
  }
  return state
}

/** Reads whether the order's payment is authorised, captured, or not there yet. */
export const getOrderPaymentStateStep = createStep(
  getOrderPaymentStateStepId,
  async (input: { order_id: string }, { container }) =>
    new StepResponse(await readOrderPaymentState(container, input.order_id))
)
