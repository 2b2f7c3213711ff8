import { ModuleProvider, Modules } from "@medusajs/framework/utils"
import { FailingFulfillmentProviderService } from "./service"

export { FailingFulfillmentProviderService } from "./service"
export type { FailingFulfillmentData } from "./service"

/** The `id` medusa-config.ts registers it with, and the provider id shipping options use. */
export const FAILING_FULFILLMENT_CONFIG_ID = "failing"
export const FAILING_FULFILLMENT_PROVIDER_ID = `${FailingFulfillmentProviderService.identifier}_${FAILING_FULFILLMENT_CONFIG_ID}`

export default ModuleProvider(Modules.FULFILLMENT, {
  services: [FailingFulfillmentProviderService],
})
