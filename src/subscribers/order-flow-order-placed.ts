import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ContainerRegistrationKeys, OrderWorkflowEvents } from "@medusajs/framework/utils"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../modules/omniflow"
import { startOrderFlow } from "../workflows/order-flow"
import { withRunOrigin } from "../workflows/flow-runs/run-origin"

/**
 * Starts the order's flow run — once, however often the event arrives; the run goes on
 * to its first wait. Errors are logged, never thrown back at the event bus: the sweeper
 * job starts or continues a flow this did not.
 */
export default async function orderFlowOrderPlaced({ event, container }: SubscriberArgs<{ id: string }>) {
  const options = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
  if (!options.orderFlow.enabled) {
    return
  }
  const order_id = event.data.id
  try {
    await withRunOrigin({ trigger: "subscriber", trigger_name: event.name }, () => startOrderFlow(container, order_id))
  } catch (e) {
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .error(`[omniflow] order flow of ${order_id} could not start: ${(e as Error).message}`)
  }
}

export const config: SubscriberConfig = {
  event: OrderWorkflowEvents.PLACED,
  context: { subscriberId: "omniflow-order-flow-order-placed" },
}
