import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../modules/omniflow"
import { reconcileStockClaimsWorkflow, recoverCheckoutWorkflow } from "../workflows/inventory-dedup"
import { runFlow } from "../workflows/flow-runs/run-flow"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../modules/inventory-dedup"
import { completeCheckoutWorkflow } from "../workflows/checkout-guard/complete-checkout"
import { withRunOrigin } from "../workflows/flow-runs/run-origin"

/**
 * Lists the carts whose completion died (their server process is gone, or the claim went
 * stale) and recovers each one in its own run, so one cart that cannot be recovered does
 * not hold up the others. Then the checkouts answered at arrival (`respond-async`) whose
 * process died before they were settled are completed again: core returns the order a
 * first run placed, or places it now (the sale kept), or the checkout fails with the
 * reason.
 */
export async function recoverAbandonedCheckouts(container: MedusaContainer) {
  const { staleClaimMinutes } = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().inventoryDedup
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const { result } = await runFlow(container, reconcileStockClaimsWorkflow, { stale_minutes: staleClaimMinutes })
  for (const cart_id of result.carts) {
    try {
      const { result: recovered } = await runFlow(container, recoverCheckoutWorkflow, { cart_id, stale_minutes: staleClaimMinutes })
      logger.info(`[omniflow] recovered checkout of cart ${cart_id}: ${JSON.stringify(recovered)}`)
    } catch (e) {
      logger.error(`[omniflow] recovering the checkout of cart ${cart_id} failed: ${(e as Error).message}`)
    }
  }
  const service: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
  for (const checkout of await service.listCheckoutsToResume({ stale_minutes: staleClaimMinutes, limit: 50 })) {
    try {
      await runFlow(container, completeCheckoutWorkflow, { checkout_id: checkout.id }, { subject_type: "cart", subject_id: checkout.cart_id })
    } catch (e) {
      logger.error(`[omniflow] resuming checkout ${checkout.id} failed: ${(e as Error).message}`)
    }
  }
}

/**
 * Ticks every minute and reconciles every `inventoryDedup.reconcileEveryMinutes`: a job's
 * cron is fixed when it is loaded, the interval is a plugin option.
 */
export default async function reconcileStockClaimsJob(container: MedusaContainer) {
  const { reconcileEveryMinutes } = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
    .inventoryDedup
  const minute = Math.floor(Date.now() / 60000)
  if (reconcileEveryMinutes === false || minute % reconcileEveryMinutes !== 0) {
    return
  }
  await withRunOrigin({ trigger: "job", trigger_name: config.name, actor_type: "system" }, () => recoverAbandonedCheckouts(container))
}

export const config = {
  name: "omniflow-reconcile-stock-claims",
  schedule: "* * * * *",
}
