import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"
import { findOrder } from "../../find-order"

export const recordCutOffCapturesStepId = "record-cut-off-captures-step"

/**
 * Core's capturePaymentWorkflow captures the payment, then records the capture as an order
 * transaction. A crash between the two leaves money taken that the order does not show
 * (it would say "outstanding amount"); a capture re-run would find nothing left to
 * capture. This records, once, every capture of the order that has no transaction yet —
 * exactly what core's step would have written.
 */
export const recordCutOffCapturesStep = createStep(
  recordCutOffCapturesStepId,
  async (input: { order_id: string }, { container }) => {
    const order = await findOrder(container, input.order_id, [
      "id",
      "transactions.reference",
      "transactions.reference_id",
      "payment_collections.payments.currency_code",
      "payment_collections.payments.captures.id",
      "payment_collections.payments.captures.amount",
      "payment_collections.payments.captures.raw_amount",
    ])
    const recorded = new Set(
      (order?.transactions ?? []).filter((t: any) => t?.reference === "capture").map((t: any) => t.reference_id)
    )
    const missing = (order?.payment_collections ?? [])
      .flatMap((pc: any) => pc?.payments ?? [])
      .flatMap((p: any) => (p?.captures ?? []).map((c: any) => ({ capture: c, currency_code: p.currency_code })))
      .filter(({ capture }: any) => capture?.id && !recorded.has(capture.id))
    if (!missing.length) {
      return new StepResponse({ recorded: [] as string[] })
    }
    await container.resolve(Modules.ORDER).addOrderTransactions(
      missing.map(({ capture, currency_code }: any) => ({
        order_id: input.order_id,
        amount: capture.raw_amount ?? capture.amount,
        currency_code,
        reference: "capture",
        reference_id: capture.id,
      }))
    )
    const ids = missing.map(({ capture }: any) => capture.id as string)
    await (container.resolve(RISK_REVIEW_MODULE) as RiskReviewModuleService).recordEvent(input.order_id, {
      stage: "payment",
      status: "repaired",
      detail: { captures: ids, note: "captures a crash left unrecorded were recorded on the order" },
    })
    return new StepResponse({ recorded: ids })
  }
)
