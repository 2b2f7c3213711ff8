import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { getLastFulfillmentStatus } from "@medusajs/medusa/core-flows"

/** Fulfilment states after which an order no longer needs the customer's address. */
const DONE = new Set(["fulfilled", "shipped", "delivered"])

/**
 * The customer's orders (theirs, or placed as a guest with their email) still to be fulfilled: not canceled, and by core's own
 * reckoning (the status the admin shows) not fulfilled, shipped or delivered. Erasing the
 * address of such an order would leave a parcel with nowhere to go.
 */
export async function unfulfilledOrderIds(container: MedusaContainer, customer_id: string): Promise<string[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  // Guest orders placed with the customer's email are theirs too: the erasure blanks them.
  const { data: customers } = await query.graph({ entity: "customer", fields: ["email"], filters: { id: customer_id } })
  const email = (customers[0] as any)?.email as string | undefined
  const { data } = await query.graph({
    entity: "order",
    fields: [
      "id",
      "status",
      "items.raw_quantity",
      "items.detail.raw_fulfilled_quantity",
      "fulfillments.packed_at",
      "fulfillments.shipped_at",
      "fulfillments.delivered_at",
      "fulfillments.canceled_at",
    ],
    filters: email ? ({ $or: [{ customer_id }, { email }] } as any) : { customer_id },
  })
  return (data as any[])
    .filter((o) => o.status !== "canceled" && !DONE.has(getLastFulfillmentStatus({ ...o, fulfillments: o.fulfillments ?? [] })))
    .map((o) => o.id as string)
}
