import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OrderProducts } from "../../../modules/recommendation/types"

export const collectOrderHistoryStepId = "collect-order-history-step"

const PAGE = 1000

/**
 * Reads every order that counts (not canceled, not a draft) with its distinct products,
 * page by page so no single query loads the whole order table with its lines.
 */
export const collectOrderHistoryStep = createStep(
  collectOrderHistoryStepId,
  async (_: void, { container }) => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const orders: OrderProducts[] = []
    for (let skip = 0; ; skip += PAGE) {
      const { data } = await query.graph({
        entity: "order",
        fields: ["id", "status", "is_draft_order", "created_at", "items.product_id"],
        filters: { status: { $nin: ["canceled", "draft"] }, is_draft_order: false },
        pagination: { skip, take: PAGE, order: { created_at: "ASC" } },
      })
      for (const order of data) {
        const productIds: string[] = [
          ...new Set<string>(
            (order.items ?? [])
              .map((i: { product_id?: string | null } | null) => i?.product_id)
              .filter((id: string | null | undefined): id is string => !!id)
          ),
        ]
        if (productIds.length) {
          orders.push({
            order_id: order.id,
            product_ids: productIds,
            placed_at: order.created_at as Date,
          })
        }
      }
      if (data.length < PAGE) {
        break
      }
    }
    return new StepResponse(orders)
  }
)
