import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"

export type OrderReservationPlan = {
  items: { inventory_item_id: string; location_id: string; quantity: number; line_item_id: string }[]
  /** Lines no location of the order's channel can serve any more: the shop must decide. */
  shortfalls: { line_item_id: string; inventory_item_id: string; sku: string | null; missing: number }[]
}

export const planOrderReservationsStepId = "plan-order-reservations-step"

/**
 * What an order still lacks in reservations and where to take it from: for each line,
 * the location of the order's sales channel with the most free stock that can serve it
 * whole (core's completion picks a location per line the same way). Reads only.
 */
export const planOrderReservationsStep = createStep(
  planOrderReservationsStepId,
  async (input: { order_id: string }, { container }) => {
    const service: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
    const lines = await service.listUnreservedOrderLines(input.order_id)
    const plan: OrderReservationPlan = { items: [], shortfalls: [] }
    if (!lines.length) {
      return new StepResponse(plan)
    }
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data: orders } = await query.graph({
      entity: "order",
      fields: ["id", "sales_channel.stock_locations.id"],
      filters: { id: input.order_id },
    })
    const locationIds: string[] = ((orders[0] as any)?.sales_channel?.stock_locations ?? [])
      .map((l: any) => l?.id)
      .filter(Boolean)
    const stock = await service.listLocationStock({
      inventory_item_ids: [...new Set(lines.map((l) => l.inventory_item_id))],
      location_ids: locationIds,
    })
    for (const line of lines) {
      const best = stock
        .filter((s) => s.inventory_item_id === line.inventory_item_id && s.free >= line.missing)
        .sort((a, b) => b.free - a.free)[0]
      if (!best) {
        plan.shortfalls.push(line)
        continue
      }
      best.free -= line.missing
      plan.items.push({
        inventory_item_id: line.inventory_item_id,
        location_id: best.location_id,
        quantity: line.missing,
        line_item_id: line.line_item_id,
      })
    }
    return new StepResponse(plan)
  }
)
