import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { getOrderProductsStep } from "./steps/get-order-products"
import { recordOrderCopurchasesStep } from "./steps/record-order-copurchases"
import { retireRecommendationResponsesStep } from "./steps/retire-recommendation-responses"

export type RecordOrderCopurchasesWorkflowInput = { order_id: string }

export const recordOrderCopurchasesWorkflowId = "record-order-copurchases"

/**
 * Feeds a placed order into "frequently bought together": reads its products and counts
 * every pair once. Running it again for the same order changes nothing, so a replayed
 * `order.placed` event is harmless.
 *
 * @example
 * await recordOrderCopurchasesWorkflow(container).run({ input: { order_id: "order_123" } })
 */
export const recordOrderCopurchasesWorkflow = createWorkflow(
  recordOrderCopurchasesWorkflowId,
  (input: RecordOrderCopurchasesWorkflowInput) => {
    const order = getOrderProductsStep({ order_id: input.order_id })

    const recorded = when({ order }, ({ order }) => order.countable).then(() =>
      recordOrderCopurchasesStep(
        transform({ order }, ({ order }) => ({
          order_id: order.order_id,
          product_ids: order.product_ids,
          placed_at: order.placed_at,
        }))
      )
    )
    when({ recorded }, ({ recorded }) => !!recorded?.applied).then(() => retireRecommendationResponsesStep())

    return new WorkflowResponse(
      transform({ order, recorded }, ({ order, recorded }) => ({
        order_id: order.order_id,
        applied: recorded?.applied ?? false,
        product_ids: order.product_ids,
      }))
    )
  }
)
