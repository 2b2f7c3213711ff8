import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"

export const finishCutOffFulfillmentsStepId = "finish-cut-off-fulfillments-step"

/**
 * Before an order ships (again): settles fulfilments a crash cut off inside core's
 * createOrderFulfillmentWorkflow. Core creates the fulfilment, then counts the stock down,
 * then — together — registers it on the order, links it and updates the reservations.
 * - If the line's reservation at that location was already taken down, the stock was
 *   counted down too: the fulfilment is real, so what core did not get to is done now
 *   (registered on the order as core does, linked). Shipping again would ship it twice.
 * - If the reservation is intact, core stopped before or while counting the stock down —
 *   which of the two cannot be told afterwards. The fulfilment is cancelled in the
 *   fulfilment module and the order ships anew; an alert on the timeline tells the shop
 *   that this location's stock of those items may be low by that quantity (an under-count
 *   never oversells; the shop counts it).
 * Runs under the order's lock (each registration is an order change, see
 * create-split-fulfillments). Nothing to undo: it only completes what already happened.
 */
export const finishCutOffFulfillmentsStep = createStep(
  finishCutOffFulfillmentsStepId,
  async (input: { order_id: string; skip?: boolean }, { container }) => {
    const summary = { registered: [] as string[], cancelled: [] as string[] }
    if (input.skip) {
      return new StepResponse({ ...summary, reservations_released: 0 })
    }
    const flows: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    const cutOff = await flows.listUnregisteredFulfillments(input.order_id)
    const orders = container.resolve(Modules.ORDER)
    const fulfillments = container.resolve(Modules.FULFILLMENT)
    const link = container.resolve(ContainerRegistrationKeys.LINK)
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    if (cutOff.length) {
      await container.resolve(Modules.LOCKING).execute(
        input.order_id,
        async () => {
          for (const f of cutOff) {
            const stockCounted = f.items.some((i) => i.reserved < i.quantity)
            if (stockCounted) {
              await orders.registerFulfillment({
                order_id: input.order_id,
                reference: Modules.FULFILLMENT,
                reference_id: f.fulfillment_id,
                items: f.items.map((i) => ({ id: i.line_item_id, quantity: i.quantity })),
              } as any)
              const { data } = await query.graph({
                entity: "order",
                fields: ["id", "fulfillments.id"],
                filters: { id: input.order_id },
              })
              if (!(data[0] as any)?.fulfillments?.some((x: any) => x?.id === f.fulfillment_id)) {
                await link.create({
                  [Modules.ORDER]: { order_id: input.order_id },
                  [Modules.FULFILLMENT]: { fulfillment_id: f.fulfillment_id },
                })
              }
              summary.registered.push(f.fulfillment_id)
              await flows.recordEvent(input.order_id, {
                stage: "shipment",
                status: "repaired",
                detail: { fulfillment_id: f.fulfillment_id, location_id: f.location_id, note: "a fulfilment cut off by a crash was registered on the order" },
              })
            } else {
              await fulfillments.cancelFulfillment(f.fulfillment_id)
              summary.cancelled.push(f.fulfillment_id)
              await flows.recordEvent(input.order_id, {
                stage: "shipment",
                status: "alert",
                detail: {
                  fulfillment_id: f.fulfillment_id,
                  location_id: f.location_id,
                  items: f.items.map((i) => ({ line_item_id: i.line_item_id, quantity: i.quantity })),
                  message:
                    "A fulfilment was cut off by a crash before it finished; it was cancelled and the order ships anew. " +
                    "If the location's stock had already been counted down for it, the stock of these items there is low by these quantities: count it.",
                },
              })
            }
          }
        },
        { timeout: 30 }
      )
    }
    // Registered on the order but cut off before its reservations were taken down: the
    // stock was counted down already, so the reservations would hold it a second time.
    const lingering = await flows.listReservationsOfFulfilledLines(input.order_id)
    if (lingering.length) {
      await container.resolve(Modules.INVENTORY).deleteReservationItems(lingering)
      await flows.recordEvent(input.order_id, {
        stage: "shipment",
        status: "repaired",
        detail: { reservations_released: lingering.length, note: "reservations of lines already fulfilled were released" },
      })
    }
    return new StepResponse({ ...summary, reservations_released: lingering.length })
  }
)
