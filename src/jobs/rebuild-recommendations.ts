import { MedusaContainer } from "@medusajs/framework/types"
import { configManager } from "@medusajs/framework/config"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { parseOmniflowOptions } from "../options"
import { RECOMMENDATION_MODULE } from "../modules/recommendation"
import RecommendationModuleService from "../modules/recommendation/service"
import { rebuildRecommendationsWorkflow } from "../workflows/recommendation"
import { runFlow } from "../workflows/flow-runs/run-flow"

const DEFAULT_SCHEDULE = "0 3 * * *"

/**
 * A job's schedule is fixed when the file is loaded, before any container exists, so it is
 * read from the registered module's options in the loaded config. `false` keeps the job
 * registered (Medusa requires a schedule) but makes every run a no-op.
 */
function configuredSchedule(): string | false {
  try {
    const modules = configManager.config.modules as Record<string, { options?: unknown }> | undefined
    return parseOmniflowOptions(modules?.[RECOMMENDATION_MODULE]?.options).recommendation.rebuildSchedule
  } catch {
    return DEFAULT_SCHEDULE
  }
}

/** Nightly full rebuild: repairs anything incremental updates missed and re-applies time decay. */
export default async function rebuildRecommendationsJob(container: MedusaContainer) {
  const service = container.resolve<RecommendationModuleService>(RECOMMENDATION_MODULE)
  if (service.getOptions().rebuildSchedule === false) {
    return
  }
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const { result } = await runFlow(container, rebuildRecommendationsWorkflow, undefined, {
    trigger: "job",
    trigger_name: config.name,
    actor_type: "system",
  })
  logger.info(
    `recommendations rebuilt: ${result.orders} orders, ${result.pairs} pairs, ${result.products} products in ${result.duration_ms} ms`
  )
}

export const config = {
  name: "omniflow-rebuild-recommendations",
  schedule: configuredSchedule() || DEFAULT_SCHEDULE,
}
