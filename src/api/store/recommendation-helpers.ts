import { AuthenticatedMedusaRequest, MedusaStoreRequest } from "@medusajs/framework/http"
import { ICacheService } from "@medusajs/framework/types"
import {
  ContainerRegistrationKeys,
  FeatureFlag,
  getVariantAvailability,
  MedusaError,
  ProductStatus,
  QueryContext,
} from "@medusajs/framework/utils"
import { wrapProductsWithTaxPrices } from "@medusajs/medusa/api/store/products/helpers"
import { RECOMMENDATION_MODULE } from "../../modules/recommendation"
import { ContentIndex } from "../../modules/recommendation/content-similarity"
import { recommendationCacheKey, RecommendationCacheKind } from "../../modules/recommendation/response-cache"
import RecommendationModuleService from "../../modules/recommendation/service"
import { echoId } from "../utils/validate-path"
import { RecommendationSource } from "../../modules/recommendation/types"

export type StoreRecommendationsQuery = {
  limit: number
  region_id?: string
  country_code?: string
  in_stock?: boolean
}

type Request = MedusaStoreRequest | AuthenticatedMedusaRequest

/** Where an answer's time went, for the standard `Server-Timing` response header. */
export class ServerTiming {
  private last = performance.now()
  private readonly parts: string[] = []
  mark(phase: string) {
    const now = performance.now()
    this.parts.push(`${phase};dur=${(now - this.last).toFixed(1)}`)
    this.last = now
  }
  header() {
    return this.parts.join(", ")
  }
}

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

/**
 * The locale as far as it changes an answer: only with Medusa's translations switched on.
 * Otherwise any `?locale=` a client makes up would be a new cache entry for nothing.
 */
export function localeKeyOf(req: { locale?: string }): string | null {
  return FeatureFlag.isFeatureEnabled("translation") ? req.locale ?? null : null
}

// Product data without prices changes only through events that retire it; the TTL is a
// backstop for writes that bypass workflows.
const CARD_MIN_TTL_SECONDS = 15 * 60

/** Set by the cache middleware when `recommendation.responseCacheSeconds` is on. */
export type RecommendationCacheContext = {
  cache: ICacheService
  ttl: number
  generations: { model: string; catalogue: string }
}
export const recommendationCacheContexts = new WeakMap<object, RecommendationCacheContext>()

/**
 * Values per id (product, variant set, region) through the cache: the ids found there are
 * served from it, the rest are loaded in one go and stored. `load` returns a value for every id it was given
 * (`null` is a value too: "not listed" is worth remembering).
 */
async function cachedById<T>(
  req: Request,
  kind: RecommendationCacheKind,
  ids: string[],
  partsOf: (id: string) => unknown,
  load: (ids: string[]) => Promise<Map<string, T | null>>,
  opts: { minTtl?: number; rememberMissing?: (id: string) => boolean } = {}
): Promise<Map<string, T | null>> {
  const ctx = recommendationCacheContexts.get(req)
  if (!ctx || !ids.length) {
    return await load(ids)
  }
  const keys = new Map(ids.map((id) => [id, recommendationCacheKey(kind, ctx.generations, partsOf(id))]))
  const found = new Map<string, T | null>()
  // A cache that cannot be read costs a reload, never the answer.
  const cached = await Promise.all(
    ids.map((id) => ctx.cache.get<{ value: T | null }>(keys.get(id)!).catch(() => null))
  )
  const missing: string[] = []
  ids.forEach((id, i) => (cached[i] ? found.set(id, cached[i]!.value) : missing.push(id)))
  if (missing.length) {
    const loaded = await load(missing)
    for (const id of missing) {
      const value = loaded.get(id) ?? null
      found.set(id, value)
      // "Not there" is remembered only for ids the request did not choose, so made-up ids
      // cannot fill the cache.
      if (value === null && !(opts.rememberMissing?.(id) ?? true)) {
        continue
      }
      ctx.cache.set(keys.get(id)!, { value }, Math.max(ctx.ttl, opts.minTtl ?? 0)).catch(() => undefined)
    }
  }
  return found
}

type RegionPricing = { id: string; currency_code: string; automatic_taxes: boolean }

/** The region facts prices and taxes depend on; cached like product data. */
export async function regionPricing(req: Request, regionId: string): Promise<RegionPricing | null> {
  const found = await cachedById<RegionPricing>(
    req,
    "region",
    [regionId],
    (id) => [id],
    async (ids) => {
      const { data: regions } = await queryOf(req).graph({
        entity: "region",
        fields: ["id", "currency_code", "automatic_taxes"],
        filters: { id: ids },
      })
      return new Map(regions.map((r: any) => [r.id, r as RegionPricing]))
    },
    { minTtl: CARD_MIN_TTL_SECONDS, rememberMissing: () => false }
  )
  return found.get(regionId) ?? null
}

/** The customer groups whose price lists apply to a logged-in customer. */
export async function customerGroupIds(req: Request, customerId: string): Promise<string[]> {
  const { data: groups } = await queryOf(req).graph({
    entity: "customer_group",
    fields: ["id"],
    filters: { customers: { id: customerId } },
  })
  return groups.map((g: { id: string }) => g.id)
}

type ListedProduct = {
  id: string
  variants?: ({ id: string; manage_inventory?: boolean | null; allow_backorder?: boolean | null } | null)[] | null
}

/**
 * Products that are published and sold in one of the caller's sales channels. `requested`
 * is the id the caller named: an unknown one is not remembered.
 */
async function listedProducts(req: Request, productIds: string[], requested?: string): Promise<ListedProduct[]> {
  const channels = [...channelIdsOf(req)].sort()
  const listed = await cachedById<ListedProduct>(
    req,
    "listing",
    [...new Set(productIds)],
    (id) => [channels, id],
    async (ids) => {
      const products = await loadListedProducts(req, ids)
      return new Map<string, ListedProduct | null>([
        ...ids.map((id) => [id, null] as const),
        ...products.map((p) => [p.id, p] as const),
      ])
    },
    { rememberMissing: (id) => id !== requested }
  )
  return [...listed.values()].filter((p): p is ListedProduct => !!p)
}

async function loadListedProducts(req: Request, productIds: string[]): Promise<ListedProduct[]> {
  const channelIds = channelIdsOf(req)
  if (!productIds.length || !channelIds.length) {
    return []
  }
  const query = queryOf(req)
  // Two modules, asked at once: the channel links and the published products.
  const [{ data: links }, { data: products }] = await Promise.all([
    query.graph({
      entity: "product_sales_channel",
      fields: ["product_id"],
      filters: { product_id: productIds, sales_channel_id: channelIds },
    }),
    query.graph({
      entity: "product",
      fields: ["id", "variants.id", "variants.manage_inventory", "variants.allow_backorder"],
      filters: { id: productIds, status: ProductStatus.PUBLISHED },
    }),
  ])
  const inChannel = new Set(links.map((l: { product_id: string }) => l.product_id))
  return (products as ListedProduct[]).filter((p) => inChannel.has(p.id))
}

/** The listed products with a variant to sell now: in stock in one of the channels, unmanaged or backorderable. */
async function withStock(req: Request, products: ListedProduct[]): Promise<Set<string>> {
  const variants = products.flatMap((p) => p.variants ?? []).filter((v) => !!v)
  const available = new Set<string>()
  const managed = variants.filter((v) => v.manage_inventory && !v.allow_backorder).map((v) => v.id)
  for (const v of variants) {
    if (!v.manage_inventory || v.allow_backorder) {
      available.add(v.id)
    }
  }
  if (managed.length) {
    for (const channelId of channelIdsOf(req)) {
      const availability = await getVariantAvailability(queryOf(req), {
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
    products.filter((p) => (p.variants ?? []).some((v) => v && available.has(v.id))).map((p) => p.id)
  )
}

/** Products the storefront may recommend: listed, and with stock when `in_stock` was asked. */
async function servable(req: Request, products: ListedProduct[]): Promise<Set<string>> {
  const { in_stock } = req.validatedQuery as StoreRecommendationsQuery
  return in_stock ? await withStock(req, products) : new Set(products.map((p) => p.id))
}

function notFound(productId: string) {
  return new MedusaError(MedusaError.Types.NOT_FOUND, `Product with id: ${echoId(productId)} was not found`)
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

const PRICE_FIELD = "variants.calculated_price"
const isPriceField = (f: string) => f === PRICE_FIELD || f.startsWith(`${PRICE_FIELD}.`)

/**
 * Store product list fields, with calculated (and tax) prices when a region was given.
 * A product looks the same in every list it appears in, so its catalogue data is cached on
 * its own (a best-seller is loaded once for all the lists that show it) and only kept
 * while no catalogue event retires it. Prices are not kept with it: price lists and their
 * start and end dates change prices without any event, so prices are kept only as long as
 * a whole answer (`responseCacheSeconds`).
 */
async function hydrate(req: Request, ids: string[]) {
  const store = req as MedusaStoreRequest
  const catalogueFields = req.queryConfig.fields.filter((f) => !isPriceField(f))
  const priceFields = req.queryConfig.fields.filter(isPriceField)
  const withPrices = !!store.pricingContext && priceFields.length > 0
  // Product data and prices are cached apart and loaded in parallel.
  const [cards, prices] = await Promise.all([
    cachedById<any>(
      req,
      "card",
      ids,
      (id) => [id, catalogueFields, localeKeyOf(store)],
      async (missing) => new Map((await loadProducts(req, missing, catalogueFields)).map((p: any) => [p.id, p])),
      { minTtl: CARD_MIN_TTL_SECONDS }
    ),
    withPrices ? pricesOf(req, ids, priceFields) : null,
  ])
  // Copies down to the variants: prices are attached per request, the cached card stays clean.
  const products = ids
    .map((id) => cards.get(id))
    .filter(Boolean)
    .map((card: any) => ({
      ...card,
      variants: card.variants?.map((v: any) => {
        if (!v || !prices) {
          return v
        }
        // A copy of the price too: taxes are added to it for this request's tax context.
        const price = prices.get(card.id)?.[v.id]
        return { ...v, calculated_price: price ? { ...price } : null }
      }),
    }))
  if (withPrices) {
    await wrapProductsWithTaxPrices(store as MedusaStoreRequest<any>, products)
  }
  return products
}

async function loadProducts(req: Request, ids: string[], fields: string[]) {
  if (!ids.length) {
    return []
  }
  const { data: products } = await queryOf(req).graph(
    { entity: "product", fields, filters: { id: ids } },
    { locale: (req as MedusaStoreRequest).locale }
  )
  return products
}

/**
 * Calculated prices of the products' variants for the request's pricing context, per
 * product (variant id → price). Cached for `responseCacheSeconds` only — the same bound as
 * a whole answer — since price lists change prices without events.
 */
async function pricesOf(req: Request, productIds: string[], priceFields: string[]) {
  const pricingContext = (req as MedusaStoreRequest).pricingContext!
  return await cachedById<Record<string, unknown>>(
    req,
    "price",
    productIds,
    (id) => [id, priceFields, pricingContext],
    async (ids) => {
      const { data: products } = await queryOf(req).graph({
        entity: "product",
        fields: ["id", "variants.id", ...priceFields],
        filters: { id: ids },
        context: { variants: { calculated_price: QueryContext(pricingContext) } },
      })
      return new Map(
        products.map((p: any) => [
          p.id,
          Object.fromEntries((p.variants ?? []).filter(Boolean).map((v: any) => [v.id, v.calculated_price ?? null])),
        ])
      )
    }
  )
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
async function recommend(
  req: Request,
  seeds: string[],
  exclude: Set<string>,
  opts: { mustBeListed?: string; timing?: ServerTiming } = {}
) {
  const { limit } = req.validatedQuery as StoreRecommendationsQuery
  const service = req.scope.resolve<RecommendationModuleService>(RECOMMENDATION_MODULE)
  const candidates = new Map<string, Candidate>()
  const timing = opts.timing ?? new ServerTiming()

  const entries = seeds.length ? await service.getNeighbours(seeds) : []
  timing.mark("model")
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
  // The seed's own check (published, in the caller's channel) rides on the candidates' queries.
  const listed = await listedProducts(
    req,
    [...candidates.keys(), ...(opts.mustBeListed ? [opts.mustBeListed] : [])],
    opts.mustBeListed
  )
  if (opts.mustBeListed && !listed.some((p) => p.id === opts.mustBeListed)) {
    throw notFound(opts.mustBeListed)
  }
  let ok = await servable(req, listed.filter((p) => candidates.has(p.id)))
  let picked = ranked(candidates).filter((c) => ok.has(c.id))
  timing.mark("listing")

  if (picked.length < limit && seeds.length) {
    const index = await contentIndexFor(req, seeds)
    const skip = new Set([...exclude, ...candidates.keys()])
    const content = new Map<string, Candidate>()
    for (const seed of seeds) {
      for (const match of index.similar(seed, limit + skip.size, skip)) {
        addCandidate(content, match.id, match.score, "content")
      }
    }
    ok = await servable(req, await listedProducts(req, [...content.keys()]))
    picked = picked.concat(ranked(content).filter((c) => ok.has(c.id)))
    timing.mark("content")
  }

  picked = picked.slice(0, limit)
  const products = await hydrate(req, picked.map((c) => c.id))
  timing.mark("products")
  const byId = new Map(picked.map((c) => [c.id, c]))
  const recommendations = products.map((p: any) => ({
    ...p,
    score: Math.round(byId.get(p.id)!.score * 1e4) / 1e4,
    source: byId.get(p.id)!.source,
  }))
  return { recommendations, count: recommendations.length }
}

/** "Frequently bought together" for one product; 404 unless the storefront may show it. */
export async function recommendForProduct(req: MedusaStoreRequest, productId: string, timing?: ServerTiming) {
  return await recommend(req, [productId], new Set([productId]), { mustBeListed: productId, timing })
}

/** Neighbours of everything the customer bought (canceled orders aside), minus what they bought. */
export async function recommendForCustomer(
  req: AuthenticatedMedusaRequest,
  customerId: string,
  timing?: ServerTiming
) {
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
  timing?.mark("history")
  return await recommend(req, [...bought], bought, { timing })
}
