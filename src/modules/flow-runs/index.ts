import { Module } from "@medusajs/framework/utils"
import FlowRunsModuleService from "./service"

export const FLOW_RUNS_MODULE = "flowRuns"

export default Module(FLOW_RUNS_MODULE, {
  service: FlowRunsModuleService,
})

export { FlowRunsModuleService }
export * from "./service"
export { FLOW_RUN_STATES, INBOX_STATES } from "./models/flow-run"
