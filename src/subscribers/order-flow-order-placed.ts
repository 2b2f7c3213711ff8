import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ContainerRegistrationKeys, OrderWorkflowEvents } from "@medusajs/framework/utils"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../modules/omniflow"
import { advanceOrderFlow, startOrderFlowWorkflow } from "../workflows/order-flow"

/**
 * Starts the order's flow — once, however often the event arrives — and drives it to its
 * first wait. Errors are logged, never thrown back at the event bus: the deadline job
 * picks up a flow this left between stages.
 */
export default async function orderFlowOrderPlaced({ event, container }: SubscriberArgs<{ id: string }>) {
  const options = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
  if (!options.orderFlow.enabled) {
    return
  }
  const order_id = event.data.id
  try {
    const { result } = await startOrderFlowWorkflow(container).run({
      input: { order_id },
      context: { transactionId: `order-flow:${order_id}` },
    })
    if (result.created) {
      await advanceOrderFlow(container, order_id)
    }
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
