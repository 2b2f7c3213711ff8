import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { OrderWorkflowEvents } from "@medusajs/framework/utils"
import { recordOrderCopurchasesWorkflow } from "../workflows/recommendation"

/** Every placed order teaches "frequently bought together"; a replayed event counts once. */
export default async function recommendationOrderPlaced({ event, container }: SubscriberArgs<{ id: string }>) {
  await recordOrderCopurchasesWorkflow(container).run({ input: { order_id: event.data.id } })
}

export const config: SubscriberConfig = {
  event: OrderWorkflowEvents.PLACED,
  context: { subscriberId: "omniflow-recommendation-order-placed" },
}
