import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { RECOMMENDATION_MODULE } from "../../../modules/recommendation"
import RecommendationModuleService from "../../../modules/recommendation/service"

export type RemoveOrderCopurchasesStepInput = { order_id: string }

export const removeOrderCopurchasesStepId = "remove-order-copurchases-step"

/**
 * Takes an order's co-purchases back out of the model. Compensation puts back exactly what
 * was removed (same products, same weight), not what the order holds now.
 */
export const removeOrderCopurchasesStep = createStep(
  removeOrderCopurchasesStepId,
  async (input: RemoveOrderCopurchasesStepInput, { container }) => {
    const service = container.resolve<RecommendationModuleService>(RECOMMENDATION_MODULE)
    const result = await service.removeOrder(input.order_id)
    return new StepResponse(result, result.order ?? undefined)
  },
  async (removed, { container }) => {
    if (!removed) {
      return
    }
    const service = container.resolve<RecommendationModuleService>(RECOMMENDATION_MODULE)
    await service.applyOrder(removed)
  }
)
