import { MedusaContainer } from "@medusajs/framework/types"
import { sweepOrderFlows } from "../workflows/order-flow"
import { withRunOrigin } from "../workflows/flow-runs/run-origin"

/** Every minute: orders whose flow never started get one; flows cut off by a crash resume. */
export default async function sweepOrderFlowsJob(container: MedusaContainer) {
  await withRunOrigin({ trigger: "job", trigger_name: config.name, actor_type: "system" }, () => sweepOrderFlows(container))
}

export const config = {
  name: "omniflow-sweep-order-flows",
  schedule: "* * * * *",
}
