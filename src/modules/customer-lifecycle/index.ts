import { Module } from "@medusajs/framework/utils"
import CustomerLifecycleModuleService from "./service"

export const CUSTOMER_LIFECYCLE_MODULE = "customerLifecycle"

export default Module(CUSTOMER_LIFECYCLE_MODULE, {
  service: CustomerLifecycleModuleService,
})

export { CustomerLifecycleModuleService }
export * from "./service"
export { ERASURE_PHASES, PRIVACY_REQUEST_KINDS, PRIVACY_REQUEST_STATES } from "./models/privacy-request"
export { ONBOARDING_STATES } from "./models/onboarding"
