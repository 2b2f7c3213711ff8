import { Module } from "@medusajs/framework/utils"
import RecommendationModuleService from "./service"

export const RECOMMENDATION_MODULE = "recommendation"

export default Module(RECOMMENDATION_MODULE, {
  service: RecommendationModuleService,
})

export { RecommendationModuleService }
export * from "./types"
export { ContentIndex } from "./content-similarity"
export type { ContentDocument, ContentMatch } from "./content-similarity"
