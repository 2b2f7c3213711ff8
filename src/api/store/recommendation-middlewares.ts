import {
  authenticate,
  MedusaNextFunction,
  MedusaRequest,
  MedusaResponse,
  MedusaStoreRequest,
  MiddlewareRoute,
} from "@medusajs/framework/http"
import { ICacheService } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { defaultStoreProductFields } from "@medusajs/medusa/api/store/products/query-config"
import { normalizeDataForContext } from "@medusajs/medusa/api/utils/middlewares/products/index"
import { RECOMMENDATION_MODULE } from "../../modules/recommendation"
import { recommendationCacheKey, recommendationGenerations } from "../../modules/recommendation/response-cache"
import RecommendationModuleService from "../../modules/recommendation/service"
import { echoId, validatePathIds } from "../utils/validate-path"
import { idParam, validateQuery, wholeNumber } from "../utils/validators"
import { customerGroupIds, localeKeyOf, recommendationCacheContexts, regionPricing } from "./recommendation-helpers"

/**
 * `locale` is not listed: Medusa's locale middleware reads it (and removes it from the query)
 * before this runs, and OmniFlow's guard in front of that refuses a value it cannot read.
 */
export const StoreRecommendationsParams = z.object({
  limit: wholeNumber("limit", { min: 1, max: 50 }).default(10),
  region_id: idParam("region_id").optional(),
  country_code: z
    .string()
    .regex(/^[a-zA-Z]{2}$/, { error: "country_code must be a two-letter country code" })
    .transform((c) => c.toLowerCase())
    .optional(),
  in_stock: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
})

/**
 * Validates the query and prepares what Medusa's own pricing middlewares expect (the store
 * product list's default fields, `region_id` / `country_code` as filterable fields), so the
 * recommended products carry the same fields and calculated prices as the store product list.
 */
const validateRecommendationsQuery = validateQuery(StoreRecommendationsParams, {
  defaults: defaultStoreProductFields,
  isList: false,
})

/**
 * Answers from the response cache when the same question (product or customer, sales
 * channels, query, login, locale) was answered under the current model and catalogue;
 * otherwise lets the request through — with the cache at hand for single products — and
 * keeps its 200 answer for `recommendation.responseCacheSeconds`. Placed before the
 * pricing middlewares, so a hit costs no region or tax lookups.
 */
async function reuseCachedRecommendations(
  req: MedusaRequest,
  res: MedusaResponse,
  next: MedusaNextFunction
) {
  const ttl = req.scope
    .resolve<RecommendationModuleService>(RECOMMENDATION_MODULE)
    .getOptions().responseCacheSeconds
  if (!ttl) {
    return next()
  }
  const cache = req.scope.resolve<ICacheService>(Modules.CACHE)
  let generations: { model: string; catalogue: string }
  try {
    generations = await recommendationGenerations(cache)
  } catch {
    // A cache that cannot be read costs a computed answer, never the answer.
    return next()
  }
  const store = req as MedusaRequest & MedusaStoreRequest & { auth_context?: { actor_id?: string } }
  const key = recommendationCacheKey("response", generations, [
    req.originalUrl.split("?")[0],
    store.auth_context?.actor_id ?? null,
    [...(store.publishable_key_context?.sales_channel_ids ?? [])].sort(),
    req.validatedQuery,
    localeKeyOf(store),
  ])
  const hit = await cache.get<object>(key).catch(() => null)
  if (hit) {
    res.setHeader("x-omniflow-cache", "hit")
    return res.json(hit)
  }
  res.setHeader("x-omniflow-cache", "miss")
  recommendationCacheContexts.set(req, { cache, ttl, generations })
  const send = res.json.bind(res)
  res.json = (body: unknown) => {
    if (res.statusCode === 200) {
      // A cache that cannot take the answer only costs the next request a recompute.
      cache.set(key, body, ttl).catch(() => undefined)
    }
    return send(body)
  }
  next()
}

/**
 * The pricing and tax contexts core's `setPricingContext` and `setTaxContext` build, from
 * one cached region read instead of two queries per computed answer.
 */
async function setRecommendationPriceContexts(
  req: MedusaRequest,
  _res: MedusaResponse,
  next: MedusaNextFunction
) {
  const regionId = req.filterableFields.region_id as string | undefined
  if (!regionId || !req.queryConfig.fields.some((f) => f.startsWith("variants.calculated_price"))) {
    return next()
  }
  try {
    const store = req as MedusaRequest & MedusaStoreRequest & { auth_context?: { actor_id?: string } }
    const region = await regionPricing(store, regionId)
    if (!region) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `Region with id ${echoId(regionId)} not found when populating the pricing context`
      )
    }
    const pricingContext: Record<string, unknown> = { region_id: region.id, currency_code: region.currency_code }
    if (store.auth_context?.actor_id) {
      const groups = await customerGroupIds(store, store.auth_context.actor_id)
      pricingContext.customer = { groups: groups.map((id) => ({ id })) }
    }
    store.pricingContext = pricingContext as MedusaStoreRequest["pricingContext"]
    if (region.automatic_taxes) {
      const countryCode = req.filterableFields.country_code as string | undefined
      ;(store as { taxContext?: unknown }).taxContext = {
        taxLineContext: countryCode
          ? { address: { country_code: countryCode, province_code: req.filterableFields.province }, locale: store.locale }
          : undefined,
        taxInclusivityContext: { automaticTaxes: true },
      }
    }
    next()
  } catch (e) {
    next(e)
  }
}

const withPrices = [normalizeDataForContext(), setRecommendationPriceContexts]

export const recommendationMiddlewares: MiddlewareRoute[] = [
  {
    method: ["GET"],
    matcher: "/store/products/:id/recommendations",
    middlewares: [
      validatePathIds,
      // Optional login: a logged-in customer's group prices apply.
      authenticate("customer", ["session", "bearer"], { allowUnauthenticated: true }),
      validateRecommendationsQuery,
      reuseCachedRecommendations,
      ...withPrices,
    ],
  },
  {
    method: ["GET"],
    matcher: "/store/customers/me/recommendations",
    middlewares: [
      authenticate("customer", ["session", "bearer"]),
      validateRecommendationsQuery,
      reuseCachedRecommendations,
      ...withPrices,
    ],
  },
]
