import { AuthenticatedMedusaRequest, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { defaultStoreCartFields } from "@medusajs/medusa/api/store/carts/query-config"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../../../modules/inventory-dedup"
import { echoId } from "../../../../utils/validate-path"
import { presentCheckout, retryAfterSeconds, sharedAdmissionGate } from "../../../carts/async-checkout"

/**
 * A checkout answered at arrival (`Prefer: respond-async`), polled at its `Location`:
 * `claimed` (the stock is the buyer's; poll again after `Retry-After`), `placed` with the
 * order as core's completion returns it (`type: "order"`), or `failed` with the reason
 * (the claim released). A guest holds the checkout's id as they hold their cart's; a
 * checkout of a customer's cart is theirs alone: anyone else is told "not found".
 */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const service: InventoryDedupModuleService = req.scope.resolve(INVENTORY_DEDUP_MODULE)
  const [checkout] = await service.listStockCheckouts({ id: req.params.id })
  // Set by Medusa's store-wide optional authentication when a customer is logged in.
  const auth = (req as Partial<AuthenticatedMedusaRequest>).auth_context
  const customerId = auth?.actor_type === "customer" ? auth.actor_id : null
  if (!checkout || (checkout.customer_id && checkout.customer_id !== customerId)) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Checkout ${echoId(req.params.id)} was not found`)
  }
  if (checkout.state === "claimed") {
    res.setHeader("Retry-After", String(retryAfterSeconds(sharedAdmissionGate())))
    res.json({ checkout: presentCheckout(checkout) })
    return
  }
  if (checkout.state === "placed" && checkout.order_id) {
    const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
    // The fields core's `POST /store/carts/:id/complete` returns its order with.
    const { data } = await query.graph({ entity: "order", fields: defaultStoreCartFields, filters: { id: checkout.order_id } })
    res.json({ checkout: presentCheckout(checkout), type: "order", order: data[0] ?? null })
    return
  }
  res.json({ checkout: presentCheckout(checkout) })
}
