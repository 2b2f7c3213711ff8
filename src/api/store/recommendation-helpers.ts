import { AuthenticatedMedusaRequest, MedusaStoreRequest } from "@medusajs/framework/http"
import {
  ContainerRegistrationKeys,
  getVariantAvailability,
  MedusaError,
  ProductStatus,
  QueryContext,
} from "@medusajs/framework/utils"
import { wrapProductsWithTaxPrices } from "@medusajs/medusa/api/store/products/helpers"
import { RECOMMENDATION_MODULE } from "../../modules/recommendation"
import { ContentIndex } from "../../modules/recommendation/content-similarity"
import RecommendationModuleService from "../../modules/recommendation/service"
import { RecommendationSource } from "../../modules/recommendation/types"

export type StoreRecommendationsQuery = {
  limit: number
  region_id?: string
  country_code?: string
  in_stock?: boolean
}

type Request = MedusaStoreRequest | AuthenticatedMedusaRequest
type Candidate = { id: string; score: number; source: RecommendationSource }

// The content index is rebuilt from the catalogue at most this often per sales-channel set;
// a product missing from it (created since) triggers an early rebuild.
const CONTENT_INDEX_TTL_MS = 5 * 60 * 1000
const contentIndexes = new Map<string, { builtAt: number; index: ContentIndex }>()

const SOURCE_RANK: Record<RecommendationSource, number> = { co_purchase: 0, content: 1 }

function queryOf(req: Request) {
  return req.scope.resolve(ContainerRegistrationKeys.QUERY)
}

function channelIdsOf(req: Request): string[] {
  return (req as MedusaStoreRequest).publishable_key_context?.sales_channel_ids ?? []
}

/** Products that are published and sold in one of the channels, optionally with stock to sell. */
async function servableProductIds(
  req: Request,
  productIds: string[],
  opts: { inStock?: boolean } = {}
): Promise<Set<string>> {
  const channelIds = channelIdsOf(req)
  if (!productIds.length || !channelIds.length) {
    return new Set()
  }
  const query = queryOf(req)
  const { data: links } = await query.graph({
    entity: "product_sales_channel",
    fields: ["product_id"],
    filters: { product_id: productIds, sales_channel_id: channelIds },
  })
  const inChannel = [...new Set(links.map((l: { product_id: string }) => l.product_id))]
  if (!inChannel.length) {
    return new Set()
  }
  const { data: products } = await query.graph({
    entity: "product",
    fields: ["id", "variants.id", "variants.manage_inventory", "variants.allow_backorder"],
    filters: { id: inChannel, status: ProductStatus.PUBLISHED },
  })
  if (!opts.inStock) {
    return new Set(products.map((p) => p.id))
  }

  const variants = products.flatMap((p) => p.variants ?? [])
  const available = new Set<string>()
  const managed = variants.filter((v) => v.manage_inventory && !v.allow_backorder).map((v) => v.id)
  for (const v of variants) {
    if (!v.manage_inventory || v.allow_backorder) {
      available.add(v.id)
    }
  }
  if (managed.length) {
    for (const channelId of channelIds) {
      const availability = await getVariantAvailability(query, {
        variant_ids: managed,
        sales_channel_id: channelId,
      })
      for (const [variantId, a] of Object.entries(availability)) {
        if ((a.availability ?? 0) > 0) {
          available.add(variantId)
        }
      }
    }
  }
  return new Set(
    products.filter((p) => (p.variants ?? []).some((v) => available.has(v.id))).map((p) => p.id)
  )
}

async function contentIndexFor(req: Request, mustContain: string[]): Promise<ContentIndex> {
  const channelIds = channelIdsOf(req)
  const key = [...channelIds].sort().join(",")
  const cached = contentIndexes.get(key)
  if (
    cached &&
    Date.now() - cached.builtAt < CONTENT_INDEX_TTL_MS &&
    mustContain.every((id) => cached.index.has(id))
  ) {
    return cached.index
  }
  const query = queryOf(req)
  const { data: links } = await query.graph({
    entity: "product_sales_channel",
    fields: ["product_id"],
    filters: { sales_channel_id: channelIds },
  })
  const ids = [...new Set(links.map((l: { product_id: string }) => l.product_id))]
  const { data: products } = ids.length
    ? await query.graph({
        entity: "product",
        fields: [
          "id",
          "title",
          "description",
          "tags.value",
          "type.value",
          "collection.title",
          "categories.name",
        ],
        filters: { id: ids, status: ProductStatus.PUBLISHED },
      })
    : { data: [] as any[] }
  const index = new ContentIndex(
    products.map((p) => ({
      id: p.id,
      title: p.title,
      description: p.description,
      tags: (p.tags ?? []).map((t) => t?.value),
      type: p.type?.value,
      collection: p.collection?.title,
      categories: (p.categories ?? []).map((c) => c?.name),
    }))
  )
  contentIndexes.set(key, { builtAt: Date.now(), index })
  return index
}

/** Store product list fields, with calculated (and tax) prices when a region was given. */
async function hydrate(req: Request, ids: string[]) {
  if (!ids.length) {
    return []
  }
  const context: Record<string, any> = {}
  const pricingContext = (req as MedusaStoreRequest).pricingContext
  if (pricingContext) {
    context.variants = { calculated_price: QueryContext(pricingContext) }
  }
  const { data: products } = await queryOf(req).graph(
    {
      entity: "product",
      fields: req.queryConfig.fields,
      filters: { id: ids },
      context,
    },
    { locale: (req as MedusaStoreRequest).locale }
  )
  await wrapProductsWithTaxPrices(req as MedusaStoreRequest<any>, products as any[])
  const byId = new Map(products.map((p) => [p.id, p]))
  return ids.map((id) => byId.get(id)).filter(Boolean)
}

function addCandidate(into: Map<string, Candidate>, id: string, score: number, source: RecommendationSource) {
  const current = into.get(id)
  if (!current || SOURCE_RANK[source] < SOURCE_RANK[current.source]) {
    into.set(id, { id, score, source })
  } else if (current.source === source) {
    current.score += score
  }
}

const ranked = (candidates: Map<string, Candidate>) =>
  [...candidates.values()].sort(
    (a, b) =>
      SOURCE_RANK[a.source] - SOURCE_RANK[b.source] || b.score - a.score || (a.id < b.id ? -1 : 1)
  )

/**
 * Neighbours of `seeds`, best first: co-purchase neighbours of every seed with enough
 * history, summed when several seeds share one; then, if that leaves fewer than `limit`
 * servable products, content-similar products (cold-start seeds get only these).
 */
async function recommend(req: Request, seeds: string[], exclude: Set<string>) {
  const { limit, in_stock } = req.validatedQuery as StoreRecommendationsQuery
  const service = req.scope.resolve<RecommendationModuleService>(RECOMMENDATION_MODULE)
  const candidates = new Map<string, Candidate>()

  const entries = seeds.length ? await service.getNeighbours(seeds) : []
  for (const entry of entries) {
    if (entry.cold_start) {
      continue
    }
    for (const n of entry.neighbours) {
      if (!exclude.has(n.product_id)) {
        addCandidate(candidates, n.product_id, n.score, "co_purchase")
      }
    }
  }
  let servable = await servableProductIds(req, [...candidates.keys()], { inStock: in_stock })
  let picked = ranked(candidates).filter((c) => servable.has(c.id))

  if (picked.length < limit && seeds.length) {
    const index = await contentIndexFor(req, seeds)
    const skip = new Set([...exclude, ...candidates.keys()])
    const content = new Map<string, Candidate>()
    for (const seed of seeds) {
      for (const match of index.similar(seed, limit + skip.size, skip)) {
        addCandidate(content, match.id, match.score, "content")
      }
    }
    servable = await servableProductIds(req, [...content.keys()], { inStock: in_stock })
    picked = picked.concat(ranked(content).filter((c) => servable.has(c.id)))
  }

  picked = picked.slice(0, limit)
  const products = await hydrate(req, picked.map((c) => c.id))
  const byId = new Map(picked.map((c) => [c.id, c]))
  const recommendations = products.map((p: any) => ({
    ...p,
    score: Math.round(byId.get(p.id)!.score * 1e4) / 1e4,
    source: byId.get(p.id)!.source,
  }))
  return { recommendations, count: recommendations.length }
}

/** "Frequently bought together" for one product; 404 unless the storefront may show it. */
export async function recommendForProduct(req: MedusaStoreRequest, productId: string) {
  const servable = await servableProductIds(req, [productId])
  if (!servable.has(productId)) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Product with id: ${productId} was not found`)
  }
  return await recommend(req, [productId], new Set([productId]))
}

/** Neighbours of everything the customer bought (canceled orders aside), minus what they bought. */
export async function recommendForCustomer(req: AuthenticatedMedusaRequest, customerId: string) {
  const { data: orders } = await queryOf(req).graph({
    entity: "order",
    fields: ["id", "status", "items.product_id"],
    filters: { customer_id: customerId, status: { $nin: ["canceled", "draft"] } },
  })
  const bought = new Set<string>()
  for (const order of orders) {
    for (const item of order.items ?? []) {
      if (item?.product_id) {
        bought.add(item.product_id)
      }
    }
  }
  return await recommend(req, [...bought], bought)
}
