import { createHook, createWorkflow, Hook, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { z } from "zod"
import { OrderFlowStage } from "../../modules/risk-review"
import {
  createSplitFulfillmentsStep,

  PlannedShipmentGroup,
  ShipmentGroup,
} from "./steps/create-split-fulfillments"
import { finishCutOffFulfillmentsStep } from "./steps/finish-cut-off-fulfillments"
import { planOrderShipmentStep } from "./steps/plan-order-shipment"
import { moveOrderFlowStageStep } from "./steps/move-order-flow-stage"

export type ShipOrderWorkflowInput = {
  order_id: string
  /** Passed as it is to the `beforeShipment` hook. */
  additional_data?: Record<string, unknown>
}

export const shipOrderWorkflowId = "ship-order"

/** What the `beforeShipment` hook's handler receives. */
export type BeforeShipmentHookInput = {
  order_id: string
  /** The planned fulfilments: one per stock location holding the lines' reservations. */
  groups: ShipmentGroup[]
  additional_data?: Record<string, unknown>
}

/**
 * What a `beforeShipment` handler may return: the fulfilments to create instead, each with
 * its `location_id` (null: the shipping option's location), its lines and quantities, and
 * optionally a `shipping_option_id` (carrier) other than the one the customer chose.
 * Together the groups must cover every unfulfilled line; returning nothing keeps the plan.
 */
export type BeforeShipmentHookResult = { groups?: PlannedShipmentGroup[] }

export const beforeShipmentHookResultSchema = z
  .object({
    groups: z
      .array(
        z.object({
          location_id: z.string().min(1).nullable(),
          items: z.array(z.object({ id: z.string().min(1), quantity: z.number().finite().positive() })).min(1),
          shipping_option_id: z.string().min(1).nullable().optional(),
        })
      )
      .min(1)
      .optional(),
  })
  .strict()
  .optional()

/**
 * Ships a paid order: hands it to the recommendation module (never blocking), then creates
 * one fulfilment per stock location that holds its reservations — one after another under
 * the order's lock, because each fulfilment is an order change that bumps the order's
 * version; different orders ship in parallel. If a location fails, the fulfilments already created are cancelled and the flow returns to
 * `paid`; the caller marks it failed with the reason.
 *
 * Hook `beforeShipment` — after the shipment is planned, before anything is created:
 * receives BeforeShipmentHookInput; a handler may return `new StepResponse({ groups })`
 * (BeforeShipmentHookResult) to regroup the lines (ship everything from one warehouse,
 * split a location in two parcels) or to pick a carrier per group. The groups are
 * fitted to what is still unfulfilled when the fulfilments are created (a line the order
 * does not have, or groups that leave something unshipped, fail the shipment before
 * anything is created). A handler that throws fails the shipment the same way.
 *
 * @example
 * await shipOrderWorkflow(container).run({ input: { order_id: "order_123" } })
 *
 * @example
 * // In the shop: src/workflows/hooks/omniflow-shipment.ts — heavy parcels go by freight.
 * import { StepResponse } from "@medusajs/framework/workflows-sdk"
 * import { shipOrderWorkflow } from "medusa-plugin-omniflow/workflows"
 *
 * const FREIGHT_OPTION = "so_freight"
 *
 * shipOrderWorkflow.hooks.beforeShipment(async ({ order_id, groups }, { container }) => {
 *   const heavy = await heavyLineIds(container, order_id)
 *   if (!heavy.size) {
 *     return // keep the plan
 *   }
 *   return new StepResponse({
 *     groups: groups.map((g) =>
 *       g.items.some((i) => heavy.has(i.id)) ? { ...g, shipping_option_id: FREIGHT_OPTION } : g
 *     ),
 *   })
 * })
 */
export const shipOrderWorkflow = createWorkflow(shipOrderWorkflowId, (input: ShipOrderWorkflowInput) => {
  const claimed = moveOrderFlowStageStep({
    order_id: input.order_id,
    from: ["paid"],
    to: "shipping",
    event: { stage: "shipment", status: "started" },
  }).config({ name: "claim-order-shipment" })

  let beforeShipment!: Hook<"beforeShipment", BeforeShipmentHookInput, BeforeShipmentHookResult | undefined>
  const shipped = when({ claimed }, ({ claimed }) => !!claimed).then(() => {
    // A shipment a crash cut off inside core is settled first, so nothing ships twice.
    finishCutOffFulfillmentsStep({ order_id: input.order_id })
    const plan = planOrderShipmentStep({ order_id: input.order_id })
    beforeShipment = createHook<"beforeShipment", BeforeShipmentHookInput, BeforeShipmentHookResult | undefined>(
      "beforeShipment",
      { order_id: input.order_id, groups: plan.groups, additional_data: input.additional_data },
      { resultValidator: beforeShipmentHookResultSchema }
    )
    const regrouped = beforeShipment.getResult()
    const { shipments } = createSplitFulfillmentsStep(
      transform({ input, regrouped }, ({ input, regrouped }) => ({
        order_id: input.order_id,
        groups: regrouped?.groups ?? null,
      }))
    )
    return moveOrderFlowStageStep(
      transform({ shipments, input, regrouped }, ({ shipments, input, regrouped }) => ({
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
            ...(regrouped?.groups ? { regrouped: true } : {}),
          },
        },
      }))
    ).config({ name: "mark-order-fulfilled" })
  })

  return new WorkflowResponse(transform({ shipped }, ({ shipped }) => ({ shipped: !!shipped })), {
    hooks: [beforeShipment],
  })
})
