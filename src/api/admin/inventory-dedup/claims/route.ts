import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../../modules/inventory-dedup"
import { AdminListClaimsParamsType } from "../middlewares"

/** The ledger of stock claims, newest first, filterable by status and cart. */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const { status, cart_id, limit, offset } = req.validatedQuery as AdminListClaimsParamsType
  const service: InventoryDedupModuleService = req.scope.resolve(INVENTORY_DEDUP_MODULE)
  const [claims, count] = await service.listAndCountStockClaims(
    { ...(status ? { status } : {}), ...(cart_id ? { cart_id } : {}) },
    { take: limit, skip: offset, order: { created_at: "DESC" } }
  )
  res.json({ claims, count, limit, offset })
}
