import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, FeatureFlag } from "@medusajs/framework/utils"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../modules/omniflow"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../modules/risk-review"
import { sweepOrderFlows } from "../workflows/order-flow"
import { recoverAbandonedCheckouts } from "./reconcile-stock-claims"
import { withRunOrigin } from "../workflows/flow-runs/run-origin"
import { resumePrivacyRequests } from "./resume-privacy-requests"

/**
 * Once, a few seconds after the server starts: warns when no notification provider serves
 * the channel customers are told on, and says when the role-change flow is inert (RBAC off); completions cut off by the previous process's death
 * are finished or ended, and the flows and erasures it left behind started or resumed, now
 * rather than at the next periodic run.
 */
export default async function recoverAtBoot(container: MedusaContainer) {
  const options = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
  const channel = options.orderFlow.notificationChannel
  if (options.orderFlow.enabled && !(await (container.resolve(RISK_REVIEW_MODULE) as RiskReviewModuleService).notificationChannelServed(channel))) {
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .warn(
        `[omniflow] customer notifications go out on the "${channel}" channel, but no notification provider serves it: ` +
          `orders are still cancelled, and each failed notification is shown on the order's timeline and retried. ` +
          `Configure a provider for "${channel}" or set orderFlow.notificationChannel.`
      )
  }
  if (!FeatureFlag.isFeatureEnabled("rbac")) {
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .info(
        "[omniflow] admin role changes are neither audited nor enforced per request: Medusa's roles and permissions " +
          "are off (set MEDUSA_FF_RBAC=true to switch them on)."
      )
  }
  await withRunOrigin({ trigger: "job", trigger_name: config.name, actor_type: "system" }, async () => {
    if (options.inventoryDedup.checkoutGuard) {
      await recoverAbandonedCheckouts(container)
    }
    await sweepOrderFlows(container)
    await resumePrivacyRequests(container)
  })
}

export const config = {
  name: "omniflow-recover-at-boot",
  // With an object schedule Medusa reads numberOfExecutions from inside it.
  schedule: { interval: 3000, numberOfExecutions: 1 },
}
