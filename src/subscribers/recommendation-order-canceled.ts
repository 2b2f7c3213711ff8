import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { OrderWorkflowEvents } from "@medusajs/framework/utils"
import { removeOrderCopurchasesWorkflow } from "../workflows/recommendation"
import { runFlow } from "../workflows/flow-runs/run-flow"
import { withRunOrigin } from "../workflows/flow-runs/run-origin"

/** A canceled order was not a purchase after all: its co-purchases are taken back out. */
export default async function recommendationOrderCanceled({ event, container }: SubscriberArgs<{ id: string }>) {
  await withRunOrigin({ trigger: "subscriber", trigger_name: event.name }, () =>
    runFlow(container, removeOrderCopurchasesWorkflow, { order_id: event.data.id })
  )
}

export const config: SubscriberConfig = {
  event: OrderWorkflowEvents.CANCELED,
  context: { subscriberId: "omniflow-recommendation-order-canceled" },
}
