import { MedusaContainer } from "@medusajs/framework/types"
import { sweepOrderFlows } from "../workflows/order-flow"

/** Every minute: orders whose flow never started get one; flows cut off by a crash resume. */
export default async function sweepOrderFlowsJob(container: MedusaContainer) {
  await sweepOrderFlows(container)
}

export const config = {
  name: "omniflow-sweep-order-flows",
  schedule: "* * * * *",
}
