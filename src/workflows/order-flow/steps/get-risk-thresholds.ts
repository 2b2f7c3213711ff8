import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"

export type RiskThresholds = { holdScore: number; rejectScore: number; autoReject: boolean }

export const getRiskThresholdsStepId = "get-risk-thresholds-step"

/** Reads the score thresholds from the plugin's options, for merging a shop's extra rules. */
export const getRiskThresholdsStep = createStep(getRiskThresholdsStepId, async (_: void, { container }) => {
  const { holdScore, rejectScore, autoReject } = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
    .riskReview
  return new StepResponse<RiskThresholds>({ holdScore, rejectScore, autoReject })
})
