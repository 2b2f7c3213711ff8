import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { findOrder } from "../../find-order"

export type GetOrderProductsStepInput = { order_id: string }

export type OrderProductsSnapshot = {
  order_id: string
  product_ids: string[]
  placed_at: Date | null
  /** Draft and canceled orders are not purchases and never count. */
  countable: boolean
}

export const getOrderProductsStepId = "get-order-products-step"

/** Reads the distinct products of an order, as the co-purchase model counts them. */
export const getOrderProductsStep = createStep(
  getOrderProductsStepId,
  async (input: GetOrderProductsStepInput, { container }) => {
    const order = await findOrder(container, input.order_id, [
      "id",
      "status",
      "is_draft_order",
      "created_at",
      "items.product_id",
    ])
    const productIds = new Set<string>()
    for (const item of order?.items ?? []) {
      if (item?.product_id) {
        productIds.add(item.product_id)
      }
    }
    const snapshot: OrderProductsSnapshot = {
      order_id: input.order_id,
      product_ids: [...productIds].sort(),
      placed_at: order?.created_at ? new Date(order.created_at as string | Date) : null,
      countable:
        !!order && !order.is_draft_order && !["canceled", "draft"].includes(order.status as string),
    }
    return new StepResponse(snapshot)
  }
)
