import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"

/** The thresholds that turn a score into a level and a decision (options `riskReview.*`). */
export type RiskThresholds = { holdScore: number; rejectScore: number; autoReject: boolean }

export type OrderFlowSettings = {
  thresholds: RiskThresholds
  capture_payment: boolean
  payment_deadline_minutes: number
  split_shipment: boolean
  ship_after_minutes: number
}

export const getOrderFlowOptionsStepId = "get-order-flow-options-step"

/**
 * Reads the plugin's options a run decides by, once at its start: a run resumed days later
 * keeps the settings it started with.
 */
export const getOrderFlowOptionsStep = createStep(getOrderFlowOptionsStepId, async (_: void, { container }) => {
  const { riskReview, orderFlow } = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
  return new StepResponse<OrderFlowSettings>({
    thresholds: { holdScore: riskReview.holdScore, rejectScore: riskReview.rejectScore, autoReject: riskReview.autoReject },
    capture_payment: orderFlow.capturePayment,
    payment_deadline_minutes: orderFlow.paymentDeadlineMinutes,
    split_shipment: orderFlow.splitShipment,
    ship_after_minutes: orderFlow.shipAfterMinutes,
  })
})
