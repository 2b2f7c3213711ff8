import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import {
  FlowEventInput,
  OrderFlowPatch,
  OrderFlowStage,
  RISK_REVIEW_MODULE,
  RiskReviewModuleService,
} from "../../../modules/risk-review"

export type MoveOrderFlowStageInput = {
  order_id: string
  from: OrderFlowStage[]
  to: OrderFlowStage
  patch?: OrderFlowPatch
  event?: FlowEventInput | null
  /** Set when an earlier step decided there is nothing to move. */
  skip?: boolean
}

export const moveOrderFlowStageStepId = "move-order-flow-stage-step"

/**
 * Moves the order's flow between stages and records it on the timeline. Returns null when
 * the flow is not in `from` — someone else took this transition — so callers skip their
 * side effects instead of repeating them.
 */
export const moveOrderFlowStageStep = createStep(
  moveOrderFlowStageStepId,
  async (input: MoveOrderFlowStageInput, { container }) => {
    if (input.skip) {
      return new StepResponse(null, null)
    }
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    const moved = await service.moveStage(input)
    if (!moved) {
      return new StepResponse(null, null)
    }
    return new StepResponse(
      {
        order_id: input.order_id,
        stage: moved.stage as OrderFlowStage,
        previous_stage: moved.previous_stage as OrderFlowStage,
        failure_reason: (moved.failure_reason ?? null) as string | null,
      },
      { order_id: input.order_id, to: input.to, back: moved.previous_stage as OrderFlowStage }
    )
  },
  async (undo, { container }) => {
    if (!undo) {
      return
    }
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    await service.moveStage({
      order_id: undo.order_id,
      from: [undo.to],
      to: undo.back,
      event: { stage: undo.to, status: "rolled_back", detail: { back_to: undo.back } },
    })
  }
)
