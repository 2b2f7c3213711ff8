import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { CustomerWorkflowEvents } from "@medusajs/framework/utils"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../modules/omniflow"
import { onboardCustomerWorkflow } from "../workflows/customer-lifecycle"
import { runFlow } from "../workflows/flow-runs/run-flow"
import { withRunOrigin } from "../workflows/flow-runs/run-origin"

/** Every new customer — registered in the store or created by an admin — is onboarded once. */
export default async function onboardNewCustomer({ event, container }: SubscriberArgs<{ id: string }>) {
  if (!(container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().customerLifecycle.onboarding) {
    return
  }
  await withRunOrigin({ trigger: "subscriber", trigger_name: event.name, actor_type: "system" }, () =>
    runFlow(container, onboardCustomerWorkflow, { customer_id: event.data.id })
  )
}

export const config: SubscriberConfig = {
  event: CustomerWorkflowEvents.CREATED,
  context: { subscriberId: "omniflow-customer-onboarding" },
}
