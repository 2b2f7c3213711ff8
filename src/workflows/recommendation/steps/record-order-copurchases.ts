import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { RECOMMENDATION_MODULE } from "../../../modules/recommendation"
import RecommendationModuleService from "../../../modules/recommendation/service"
import { ApplyOrderResult, OrderProducts } from "../../../modules/recommendation/types"

export const recordOrderCopurchasesStepId = "record-order-copurchases-step"

/**
 * Adds an order's co-purchases to the model, at most once per order. Compensation takes out
 * only what this run added: a replay that changed nothing has nothing to undo.
 */
export const recordOrderCopurchasesStep = createStep(
  recordOrderCopurchasesStepId,
  async (input: OrderProducts, { container }) => {
    const service = container.resolve<RecommendationModuleService>(RECOMMENDATION_MODULE)
    const result: ApplyOrderResult = await service.applyOrder(input)
    return new StepResponse(result, result.applied ? input.order_id : undefined)
  },
  async (appliedOrderId, { container }) => {
    if (!appliedOrderId) {
      return
    }
    const service = container.resolve<RecommendationModuleService>(RECOMMENDATION_MODULE)
    await service.removeOrder(appliedOrderId)
  }
)
