import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ICacheService } from "@medusajs/framework/types"
import {
  InventoryLevelWorkflowEvents,
  Modules,
  ProductCategoryWorkflowEvents,
  ProductCollectionWorkflowEvents,
  ProductEvents,
  ProductOptionValueWorkflowEvents,
  ProductOptionWorkflowEvents,
  ProductTagWorkflowEvents,
  ProductTypeWorkflowEvents,
  ProductVariantWorkflowEvents,
  ProductWorkflowEvents,
  RegionWorkflowEvents,
  SalesChannelWorkflowEvents,
  TranslationWorkflowEvents,
} from "@medusajs/framework/utils"
import { retireRecommendationCache } from "../modules/recommendation/response-cache"

/**
 * Cached recommendations embed products (with their type, tags, options, translations),
 * prices and stock: a product unpublished, repriced, renamed or moved out of a channel must
 * not be served from the cache, so answers, product data, prices, channel listings and
 * regions are all retired. Changes no event announces (price lists, products linked to a
 * channel from the channel's page, stock sold at checkout) age out with
 * `recommendation.responseCacheSeconds`.
 */
export default async function recommendationCatalogueChanged({ container }: SubscriberArgs<unknown>) {
  await retireRecommendationCache(container.resolve<ICacheService>(Modules.CACHE), "catalogue")
}

export const config: SubscriberConfig = {
  event: [
    // Created: a product asked for before it existed is remembered as "not listed".
    ProductWorkflowEvents.CREATED,
    ProductWorkflowEvents.UPDATED,
    ProductWorkflowEvents.DELETED,
    ...Object.values(ProductVariantWorkflowEvents),
    ...Object.values(ProductOptionWorkflowEvents),
    ...Object.values(ProductOptionValueWorkflowEvents),
    ProductTypeWorkflowEvents.UPDATED,
    ProductTypeWorkflowEvents.DELETED,
    ProductTagWorkflowEvents.UPDATED,
    ProductTagWorkflowEvents.DELETED,
    ProductCategoryWorkflowEvents.UPDATED,
    ProductCategoryWorkflowEvents.DELETED,
    ProductCollectionWorkflowEvents.UPDATED,
    ProductCollectionWorkflowEvents.DELETED,
    ...Object.values(TranslationWorkflowEvents),
    SalesChannelWorkflowEvents.UPDATED,
    SalesChannelWorkflowEvents.DELETED,
    RegionWorkflowEvents.UPDATED,
    RegionWorkflowEvents.DELETED,
    ...Object.values(InventoryLevelWorkflowEvents),
    // The product module's own events: writes made without a workflow.
    ProductEvents.PRODUCT_UPDATED,
    ProductEvents.PRODUCT_DELETED,
    ProductEvents.PRODUCT_VARIANT_UPDATED,
    ProductEvents.PRODUCT_VARIANT_DELETED,
  ],
  context: { subscriberId: "omniflow-recommendation-catalogue-changed" },
}
