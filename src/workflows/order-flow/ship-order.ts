import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { OrderFlowStage } from "../../modules/risk-review"
import { createSplitFulfillmentsStep } from "./steps/create-split-fulfillments"
import { handOffToRecommendationStep } from "./steps/hand-off-to-recommendation"
import { moveOrderFlowStageStep } from "./steps/move-order-flow-stage"

export type ShipOrderWorkflowInput = { order_id: string }

export const shipOrderWorkflowId = "ship-order"

/**
 * Ships a paid order: hands it to the recommendation module (never blocking), then creates
 * one fulfilment per stock location that holds its reservations — one after another under
 * the order's lock, because each fulfilment is an order change that bumps the order's
 * version; different orders ship in parallel. If a location fails, the fulfilments already created are cancelled and the flow returns to
 * `paid`; the caller marks it failed with the reason.
 *
 * @example
 * await shipOrderWorkflow(container).run({ input: { order_id: "order_123" } })
 */
export const shipOrderWorkflow = createWorkflow(shipOrderWorkflowId, (input: ShipOrderWorkflowInput) => {
  const claimed = moveOrderFlowStageStep({
    order_id: input.order_id,
    from: ["paid"],
    to: "shipping",
    event: { stage: "shipment", status: "started" },
  }).config({ name: "claim-order-shipment" })

  const shipped = when({ claimed }, ({ claimed }) => !!claimed).then(() => {
    handOffToRecommendationStep({ order_id: input.order_id })
    const { shipments } = createSplitFulfillmentsStep({ order_id: input.order_id })
    return moveOrderFlowStageStep(
      transform({ shipments, input }, ({ shipments, input }) => ({
        order_id: input.order_id,
        from: ["shipping" as OrderFlowStage],
        to: "fulfilled" as OrderFlowStage,
        patch: { shipments },
        event: {
          stage: "shipment",
          status: "fulfilled",
          detail: {
            locations: shipments.length,
            shipments: shipments.map((s) => ({ location_id: s.location_id, fulfillment_id: s.fulfillment_id, items: s.items })),
          },
        },
      }))
    ).config({ name: "mark-order-fulfilled" })
  })

  return new WorkflowResponse(transform({ shipped }, ({ shipped }) => ({ shipped: !!shipped })))
})
