import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ContainerRegistrationKeys, PaymentEvents } from "@medusajs/framework/utils"
import { resumeOrderFlow } from "../workflows/order-flow"
import { withRunOrigin } from "../workflows/flow-runs/run-origin"

/**
 * A payment captured outside the flow (the admin's "mark as paid", a provider webhook)
 * wakes the order's flow if it waits for its payment. The flow reads the payment state
 * itself; the deadline job catches anything this misses.
 */
export default async function orderFlowPaymentCaptured({ event, container }: SubscriberArgs<{ id: string }>) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  try {
    const { data } = await query.graph({
      entity: "payment",
      fields: ["id", "payment_collection.order.id"],
      filters: { id: event.data.id },
    })
    const order_id = (data[0] as any)?.payment_collection?.order?.id
    if (order_id) {
      await withRunOrigin({ trigger: "subscriber", trigger_name: event.name }, () => resumeOrderFlow(container, order_id, "payment"))
    }
  } catch (e) {
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .error(`[omniflow] payment ${event.data.id}: waking its order's flow failed: ${(e as Error).message}`)
  }
}

export const config: SubscriberConfig = {
  event: PaymentEvents.CAPTURED,
  context: { subscriberId: "omniflow-order-flow-payment-captured" },
}
