import { MedusaContainer } from "@medusajs/framework/types"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../modules/omniflow"
import { sweepOrderFlows } from "../workflows/order-flow"
import { recoverAbandonedCheckouts } from "./reconcile-stock-claims"

/**
 * Once, a few seconds after the server starts: completions cut off by the previous
 * process's death are finished or ended, and the flows it left behind started or resumed,
 * now rather than at the next periodic run.
 */
export default async function recoverAtBoot(container: MedusaContainer) {
  if ((container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().inventoryDedup.checkoutGuard) {
    await recoverAbandonedCheckouts(container)
  }
  await sweepOrderFlows(container)
}

export const config = {
  name: "omniflow-recover-at-boot",
  schedule: { interval: 3000 },
  numberOfExecutions: 1,
}
