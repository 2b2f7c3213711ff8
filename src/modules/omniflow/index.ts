import { Module } from "@medusajs/framework/utils"
import OmniflowModuleService from "./service"
import validateOptionsLoader from "./loaders/validate-options"

export const OMNIFLOW_MODULE = "omniflow"

export default Module(OMNIFLOW_MODULE, {
  service: OmniflowModuleService,
  loaders: [validateOptionsLoader],
})

export { OmniflowModuleService }
