import { ModuleProvider, Modules } from "@medusajs/framework/utils"
import { DecliningPaymentProviderService } from "./service"

export { DecliningPaymentProviderService } from "./service"

/** The `id` medusa-config.ts registers it with, and the payment provider id regions and sessions use. */
export const DECLINING_PAYMENT_CONFIG_ID = "declining"
export const DECLINING_PAYMENT_PROVIDER_ID = `pp_${DecliningPaymentProviderService.identifier}_${DECLINING_PAYMENT_CONFIG_ID}`

export default ModuleProvider(Modules.PAYMENT, {
  services: [DecliningPaymentProviderService],
})
