import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"

export const releaseOrderFlowStepId = "release-order-flow-step"

/**
 * The run's last step: the flow is at rest (finished, or in a stage the options end it in,
 * such as `approved` with capture off), so the sweeper leaves it alone. Returns where the
 * flow ended, for the run's result.
 */
export const releaseOrderFlowStep = createStep(
  releaseOrderFlowStepId,
  async (input: { order_id: string }, { container, context }) => {
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    await service.releaseFlow({ order_id: input.order_id, run_id: context.transactionId! })
    const [flow] = await service.listOrderFlows({ order_id: input.order_id }, { select: ["stage", "failure_reason"] })
    return new StepResponse({ stage: (flow?.stage ?? null) as string | null, failure_reason: (flow?.failure_reason ?? null) as string | null })
  }
)
