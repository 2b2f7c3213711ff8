import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"

export type RecoveredPayment = {
  status: "already_authorized" | "no_session" | "authorized" | "declined"
  error: string | null
}

export const authorizeRecoveredPaymentStepId = "authorize-recovered-payment-step"

/**
 * Core authorises the cart's payment session as the last thing a completion does, so a
 * completion that died left it pending. Authorising it now finishes what the buyer asked
 * for. A provider that declines does not undo the order: it waits for its payment like any
 * other, and the order flow's payment deadline cancels it (stock back, customer told).
 */
export const authorizeRecoveredPaymentStep = createStep(
  authorizeRecoveredPaymentStepId,
  async (input: { cart_id: string }, { container }): Promise<StepResponse<RecoveredPayment>> => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data: carts } = await query.graph({
      entity: "cart",
      fields: ["id", "payment_collection.payment_sessions.id", "payment_collection.payment_sessions.status"],
      filters: { id: input.cart_id },
    })
    const sessions: { id: string; status: string }[] = (carts[0] as any)?.payment_collection?.payment_sessions ?? []
    if (sessions.some((s) => s?.status === "authorized" || s?.status === "captured")) {
      return new StepResponse({ status: "already_authorized", error: null })
    }
    const pending = sessions.find((s) => s?.status === "pending" || s?.status === "requires_more")
    if (!pending) {
      return new StepResponse({ status: "no_session", error: null })
    }
    try {
      await container.resolve(Modules.PAYMENT).authorizePaymentSession(pending.id, {})
      return new StepResponse({ status: "authorized", error: null })
    } catch (e) {
      return new StepResponse({ status: "declined" as const, error: (e as Error).message })
    }
  }
)
