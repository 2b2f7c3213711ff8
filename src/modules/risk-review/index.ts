import { Module } from "@medusajs/framework/utils"
import RiskReviewModuleService from "./service"

export const RISK_REVIEW_MODULE = "riskReview"

export default Module(RISK_REVIEW_MODULE, {
  service: RiskReviewModuleService,
})

export { RiskReviewModuleService }
export * from "./service"
export * from "./scoring"
export { ORDER_FLOW_STAGES } from "./models/order-flow"
export * from "./timeline"
