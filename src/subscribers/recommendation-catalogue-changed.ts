import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ICacheService } from "@medusajs/framework/types"
import {
  InventoryLevelWorkflowEvents,
  Modules,
  ProductCategoryWorkflowEvents,
  ProductEvents,
  ProductCollectionWorkflowEvents,
  ProductVariantWorkflowEvents,
  ProductWorkflowEvents,
  RegionWorkflowEvents,
  SalesChannelWorkflowEvents,
} from "@medusajs/framework/utils"
import { retireRecommendationCache } from "../modules/recommendation/response-cache"

/**
 * Cached recommendations embed products, prices and stock: a product unpublished, repriced
 * or moved out of a channel must not be served from the cache (answers, product data and
 * channel listings are all retired).
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
    ProductVariantWorkflowEvents.CREATED,
    ProductVariantWorkflowEvents.UPDATED,
    ProductVariantWorkflowEvents.DELETED,
    ProductCategoryWorkflowEvents.UPDATED,
    ProductCategoryWorkflowEvents.DELETED,
    ProductCollectionWorkflowEvents.UPDATED,
    ProductCollectionWorkflowEvents.DELETED,
    SalesChannelWorkflowEvents.UPDATED,
    SalesChannelWorkflowEvents.DELETED,
    RegionWorkflowEvents.UPDATED,
    InventoryLevelWorkflowEvents.CREATED,
    InventoryLevelWorkflowEvents.UPDATED,
    InventoryLevelWorkflowEvents.DELETED,
    // The product module's own events: writes made without a workflow.
    ProductEvents.PRODUCT_UPDATED,
    ProductEvents.PRODUCT_DELETED,
    ProductEvents.PRODUCT_VARIANT_UPDATED,
    ProductEvents.PRODUCT_VARIANT_DELETED,
  ],
  context: { subscriberId: "omniflow-recommendation-catalogue-changed" },
}
