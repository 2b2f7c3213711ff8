import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

/**
 * One order by id with the given fields (Query's field syntax), or `undefined`. Steps read
 * the order afresh rather than trusting workflow input, since a retried step must see what
 * is in the database now.
 */
export async function findOrder(container: MedusaContainer, orderId: string, fields: string[]): Promise<any | undefined> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "order", fields, filters: { id: orderId } })
  return data[0]
}
