import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MathBN, Modules } from "@medusajs/framework/utils"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"
import { assessRisk, RiskAssessment } from "../../../modules/risk-review"
import { toQuantity } from "./create-split-fulfillments"
import { findOrder } from "../../find-order"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"

export type OrderSummary = {
  order_id: string
  display_id: number | null
  email: string | null
  customer_id: string | null
  total: number
  currency_code: string
}

export const assessOrderRiskStepId = "assess-order-risk-step"

const HOUR_MS = 60 * 60 * 1000

/**
 * Gathers the facts the risk rules look at — the order, and the earlier orders of its
 * customer or email — and scores them. Reads only, so there is nothing to compensate.
 */
export const assessOrderRiskStep = createStep(
  assessOrderRiskStepId,
  async (input: { order_id: string }, { container }) => {
    const order = await findOrder(container, input.order_id, [
      "id",
      "display_id",
      "email",
      "customer_id",
      "currency_code",
      "total",
      "created_at",
      // Computed item fields such as quantity come only with the wildcard.
      "items.*",
      "shipping_address.country_code",
      "billing_address.country_code",
    ])
    if (!order) {
      throw new Error(`Order ${input.order_id} was not found`)
    }

    const orderModule = container.resolve(Modules.ORDER)
    const selectors = [
      ...(order.customer_id ? [{ customer_id: order.customer_id }] : []),
      ...(order.email ? [{ email: order.email }] : []),
    ]
    const earlier = new Map<string, Date>()
    for (const selector of selectors) {
      const orders = await orderModule.listOrders(selector, { select: ["id", "created_at"], take: 500 })
      for (const o of orders) {
        if (o.id !== order.id && new Date(o.created_at) <= new Date(order.created_at)) {
          earlier.set(o.id, new Date(o.created_at))
        }
      }
    }
    const placedAt = new Date(order.created_at).getTime()
    const lastHour = [...earlier.values()].filter((d) => placedAt - d.getTime() <= HOUR_MS).length

    // Lines a crash left without stock (see inventory-dedup's recovery) need a person.
    const unreserved = container.hasRegistration(INVENTORY_DEDUP_MODULE)
      ? await (container.resolve(INVENTORY_DEDUP_MODULE) as InventoryDedupModuleService).listUnreservedOrderLines(order.id)
      : []

    const options = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
    const assessment: RiskAssessment = assessRisk(
      {
        total: MathBN.convert(order.total ?? 0).toNumber(),
        currency_code: order.currency_code ?? "",
        previous_orders: earlier.size,
        orders_last_hour: lastHour,
        items: (order.items ?? []).map((i: any) => ({
          sku: i.variant_sku,
          title: i.title,
          quantity: toQuantity(i.quantity, i.raw_quantity),
        })),
        shipping_country: order.shipping_address?.country_code,
        billing_country: order.billing_address?.country_code,
        unreserved,
      },
      options.riskReview
    )
    const summary: OrderSummary = {
      order_id: order.id,
      display_id: order.display_id ?? null,
      email: order.email ?? null,
      customer_id: order.customer_id ?? null,
      total: MathBN.convert(order.total ?? 0).toNumber(),
      currency_code: order.currency_code ?? "",
    }
    return new StepResponse({ assessment, summary })
  }
)
