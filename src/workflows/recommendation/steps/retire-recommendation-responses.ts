import { ICacheService } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { retireRecommendationCache } from "../../../modules/recommendation/response-cache"

export const retireRecommendationResponsesStepId = "retire-recommendation-responses-step"

/**
 * Makes the storefront see a model change at once instead of after the response cache's
 * TTL. A cache that cannot be reached must not undo the model change, so failure is
 * logged, not thrown: answers then age out with their TTL.
 */
export const retireRecommendationResponsesStep = createStep(
  retireRecommendationResponsesStepId,
  async (_: void, { container }) => {
    try {
      await retireRecommendationCache(container.resolve<ICacheService>(Modules.CACHE), "model")
    } catch (e) {
      container
        .resolve(ContainerRegistrationKeys.LOGGER)
        .warn(`Recommendation response cache not retired: ${(e as Error).message}`)
    }
    return new StepResponse(undefined)
  }
)
