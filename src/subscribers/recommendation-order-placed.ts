import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { OrderWorkflowEvents } from "@medusajs/framework/utils"
import { recordOrderCopurchasesWorkflow } from "../workflows/recommendation"
import { runFlow } from "../workflows/flow-runs/run-flow"
import { withRunOrigin } from "../workflows/flow-runs/run-origin"

/** Every placed order teaches "frequently bought together"; a replayed event counts once. */
export default async function recommendationOrderPlaced({ event, container }: SubscriberArgs<{ id: string }>) {
  await withRunOrigin({ trigger: "subscriber", trigger_name: event.name }, () =>
    runFlow(container, recordOrderCopurchasesWorkflow, { order_id: event.data.id })
  )
}

export const config: SubscriberConfig = {
  event: OrderWorkflowEvents.PLACED,
  context: { subscriberId: "omniflow-recommendation-order-placed" },
}
