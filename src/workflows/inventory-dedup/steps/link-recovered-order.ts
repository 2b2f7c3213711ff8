import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { LinkDefinition } from "@medusajs/framework/types"

export const linkRecoveredOrderStepId = "link-recovered-order-step"

/**
 * Writes the links core's completion would have written in the step it never reached:
 * order ↔ cart (what makes a retried completion return this order instead of creating a
 * second one), order ↔ the cart's payment collection and order ↔ its promotions. Only the
 * missing ones; the compensation dismisses what this step created.
 */
export const linkRecoveredOrderStep = createStep(
  linkRecoveredOrderStepId,
  async (input: { order_id: string; cart_id: string }, { container }) => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const [{ data: carts }, { data: orders }] = await Promise.all([
      query.graph({
        entity: "cart",
        fields: ["id", "payment_collection.id", "promotions.id"],
        filters: { id: input.cart_id },
      }),
      query.graph({
        entity: "order",
        fields: ["id", "cart.id", "payment_collections.id", "promotions.id"],
        filters: { id: input.order_id },
      }),
    ])
    const cart = carts[0] as any
    const order = orders[0] as any
    const links: LinkDefinition[] = []
    if (!order?.cart?.id) {
      links.push({ [Modules.ORDER]: { order_id: input.order_id }, [Modules.CART]: { cart_id: input.cart_id } })
    }
    const pcId = cart?.payment_collection?.id
    if (pcId && !(order?.payment_collections ?? []).some((pc: any) => pc?.id === pcId)) {
      links.push({ [Modules.ORDER]: { order_id: input.order_id }, [Modules.PAYMENT]: { payment_collection_id: pcId } })
    }
    const linkedPromotions = new Set((order?.promotions ?? []).map((p: any) => p?.id))
    for (const promotion of cart?.promotions ?? []) {
      if (promotion?.id && !linkedPromotions.has(promotion.id)) {
        links.push({ [Modules.ORDER]: { order_id: input.order_id }, [Modules.PROMOTION]: { promotion_id: promotion.id } })
      }
    }
    if (links.length) {
      await container.resolve(ContainerRegistrationKeys.LINK).create(links)
    }
    return new StepResponse({ created: links.length }, links)
  },
  async (links, { container }) => {
    if (!links?.length) {
      return
    }
    await container.resolve(ContainerRegistrationKeys.LINK).dismiss(links)
  }
)
