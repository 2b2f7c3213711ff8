import { Module } from "@medusajs/framework/utils"
import InventoryDedupModuleService from "./service"

export const INVENTORY_DEDUP_MODULE = "inventoryDedup"

export default Module(INVENTORY_DEDUP_MODULE, {
  service: InventoryDedupModuleService,
})

export { InventoryDedupModuleService }
export * from "./types"
