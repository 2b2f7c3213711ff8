import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { OrderWorkflowEvents } from "@medusajs/framework/utils"
import { removeOrderCopurchasesWorkflow } from "../workflows/recommendation"

/** A canceled order was not a purchase after all: its co-purchases are taken back out. */
export default async function recommendationOrderCanceled({ event, container }: SubscriberArgs<{ id: string }>) {
  await removeOrderCopurchasesWorkflow(container).run({ input: { order_id: event.data.id } })
}

export const config: SubscriberConfig = {
  event: OrderWorkflowEvents.CANCELED,
  context: { subscriberId: "omniflow-recommendation-order-canceled" },
}
