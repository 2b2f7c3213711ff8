import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"

export const createOrderFlowStepId = "create-order-flow-step"

/**
 * Claims the order's one flow. `created: false` means an earlier delivery of the event
 * (or another instance) already started it, and this run must do nothing — unless it
 * resumes a flow whose assessment was cut off by a crash (`resume` and still `assessing`):
 * then `proceed` is true and the assessment runs again (it only reads; the stage move that
 * ends it is conditional, so two resumers cannot both apply it).
 */
export const createOrderFlowStep = createStep(
  createOrderFlowStepId,
  async (input: { order_id: string; resume?: boolean }, { container }) => {
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    const { flow, created } = await service.startFlow(input.order_id)
    const proceed = created || (!!input.resume && flow.stage === "assessing")
    return new StepResponse(
      { flow_id: flow.id as string, stage: flow.stage as string, created, proceed },
      created ? input.order_id : null
    )
  },
  async (order_id, { container }) => {
    if (!order_id) {
      return
    }
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    await service.discardFlow(order_id)
  }
)
