import { MedusaContainer } from "@medusajs/framework/types"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../modules/omniflow"
import { reconcileStockClaimsWorkflow } from "../workflows/inventory-dedup/reconcile-stock-claims"

/**
 * Ticks every minute and reconciles every `inventoryDedup.reconcileEveryMinutes`: a job's
 * cron is fixed when it is loaded, the interval is a plugin option.
 */
export default async function reconcileStockClaimsJob(container: MedusaContainer) {
  const { reconcileEveryMinutes, staleClaimMinutes } = (
    container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService
  ).getOptions().inventoryDedup
  const minute = Math.floor(Date.now() / 60000)
  if (reconcileEveryMinutes === false || minute % reconcileEveryMinutes !== 0) {
    return
  }
  await reconcileStockClaimsWorkflow(container).run({ input: { stale_minutes: staleClaimMinutes } })
}

export const config = {
  name: "omniflow-reconcile-stock-claims",
  schedule: "* * * * *",
}
