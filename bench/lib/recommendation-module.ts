import path from "path"
import { MedusaApp, MedusaAppMigrateUp, MedusaModule } from "@medusajs/framework/modules-sdk"
import { ContainerRegistrationKeys, createPgConnection } from "@medusajs/framework/utils"
import { RECOMMENDATION_MODULE } from "../../src/modules/recommendation"
import RecommendationModuleService from "../../src/modules/recommendation/service"

/**
 * The recommendation module alone, loaded in this process against `url` (migrated first),
 * for measuring it without a server or for recomputing a bulk-loaded history.
 */
export async function loadRecommendationModule(url: string) {
  const knex = createPgConnection({ clientUrl: url, schema: "public" })
  const modulesConfig = {
    [RECOMMENDATION_MODULE]: {
      resolve: path.join(__dirname, "..", "..", "src", "modules", "recommendation"),
      options: { database: { clientUrl: url }, recommendation: { neighbours: 20, minCoPurchases: 2 } },
    },
  }
  const injectedDependencies = {
    [ContainerRegistrationKeys.PG_CONNECTION]: knex,
    [ContainerRegistrationKeys.LOGGER]: { ...console, debug: () => {}, info: () => {} },
  }
  const sharedResourcesConfig = { database: { clientUrl: url } }
  await MedusaAppMigrateUp({ modulesConfig, injectedDependencies, sharedResourcesConfig } as any)
  const app = await MedusaApp({ modulesConfig, injectedDependencies, sharedResourcesConfig } as any)
  return {
    service: app.modules[RECOMMENDATION_MODULE] as unknown as RecommendationModuleService,
    shutdown: async () => {
      await app.onApplicationShutdown?.().catch(() => {})
      MedusaModule.clearInstances()
      await knex.destroy().catch(() => {})
    },
  }
}
