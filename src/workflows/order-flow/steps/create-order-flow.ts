import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"

export type CreateOrderFlowStepInput = {
  order_id: string
  /**
   * Take over an existing flow instead of creating one: from the run that was cut off
   * (its id), or from a flow at rest (null). Used by the sweeper and the deadline job.
   */
  takeover?: { from_run_id: string | null } | null
}

export type CreateOrderFlowStepOutput = {
  flow_id: string | null
  /** Where this run starts: `assessing` for a new flow, the stored stage for a takeover. */
  stage: string | null
  failure_reason: string | null
  created: boolean
  /** False: another run holds the flow (a replayed event, another instance); do nothing. */
  proceed: boolean
}

export const createOrderFlowStepId = "create-order-flow-step"

/**
 * Claims the order's one flow for this run (the run's transaction id is stored on the flow,
 * so the route and the jobs know which run to resume). A second start for the same order
 * finds the row and does nothing; a takeover wins only against the run it replaces.
 * If the run later fails and rolls back, the flow is discarded (failed in its assessment:
 * the sweeper starts it again) or marked failed (it had gone further).
 */
export const createOrderFlowStep = createStep(
  createOrderFlowStepId,
  async (input: CreateOrderFlowStepInput, { container, context }) => {
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    const run_id = context.transactionId!
    // The process running this run, so that its death is seen at once (see listCutOffFlows).
    const run_owner = await (container.resolve(INVENTORY_DEDUP_MODULE) as InventoryDedupModuleService).processOwnerKey()
    if (input.takeover) {
      const flow = await service.takeOverFlow({ order_id: input.order_id, run_id, run_owner, from_run_id: input.takeover.from_run_id })
      const output: CreateOrderFlowStepOutput = {
        flow_id: flow?.id ?? null,
        stage: flow?.stage ?? null,
        failure_reason: flow?.failure_reason ?? null,
        created: false,
        proceed: !!flow,
      }
      return new StepResponse(output, flow ? input.order_id : null)
    }
    const { flow, created } = await service.startFlow(input.order_id, { run_id, run_owner })
    const output: CreateOrderFlowStepOutput = {
      flow_id: flow.id,
      stage: flow.stage,
      failure_reason: flow.failure_reason ?? null,
      created,
      proceed: created,
    }
    return new StepResponse(output, created ? input.order_id : null)
  },
  async (order_id, { container }) => {
    if (!order_id) {
      return
    }
    const service: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    await service.discardFlow(order_id)
  }
)
