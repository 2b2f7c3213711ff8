import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { findOrder } from "../../find-order"
import { groupItemsByLocation, reservationsOf, unfulfilledQuantities } from "./create-split-fulfillments"

export const planOrderShipmentStepId = "plan-order-shipment-step"

/**
 * The shipment the order would get: its unfulfilled lines grouped by the stock location
 * holding their reservation (groupItemsByLocation). Reads only; what is shipped is decided
 * again under the order's lock by create-split-fulfillments-step.
 */
export const planOrderShipmentStep = createStep(
  planOrderShipmentStepId,
  async (input: { order_id: string }, { container }) => {
    const order = await findOrder(container, input.order_id, ["id", "items.*", "items.detail.*"])
    const items = unfulfilledQuantities(order?.items ?? [])
    const groups = items.length ? groupItemsByLocation(items, await reservationsOf(container, items)) : []
    return new StepResponse({ groups })
  }
)
