import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { RECOMMENDATION_MODULE } from "../../../modules/recommendation"
import RecommendationModuleService from "../../../modules/recommendation/service"
import { OrderProducts } from "../../../modules/recommendation/types"

export const rebuildRecommendationsStepId = "rebuild-recommendations-step"

/**
 * Replaces the model with one computed from `orders`. The replacement is a single database
 * transaction, so a failure leaves the previous model untouched and there is nothing to
 * compensate.
 */
export const rebuildRecommendationsStep = createStep(
  rebuildRecommendationsStepId,
  async (orders: OrderProducts[], { container }) => {
    const service = container.resolve<RecommendationModuleService>(RECOMMENDATION_MODULE)
    return new StepResponse(await service.rebuild(orders))
  }
)
