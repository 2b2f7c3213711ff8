import { Module } from "@medusajs/framework/utils"
import OmniflowModuleService from "./service"
import validateOptionsLoader from "./loaders/validate-options"
import serveWorkerMetricsLoader from "./loaders/serve-worker-metrics"

export const OMNIFLOW_MODULE = "omniflow"

export default Module(OMNIFLOW_MODULE, {
  service: OmniflowModuleService,
  loaders: [validateOptionsLoader, serveWorkerMetricsLoader],
})

export { OmniflowModuleService }
