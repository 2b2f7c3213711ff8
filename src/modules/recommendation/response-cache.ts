import { createHash } from "crypto"
import { ICacheService } from "@medusajs/framework/types"

/**
 * Keys of the storefront caches, kept in Medusa's Cache Module (in memory by default, Redis
 * with `REDIS_URL`, so every server shares them):
 * - `response`: a whole recommendations answer. Depends on the model and the catalogue.
 * - `card`: one product as the store API shows it, without prices. Depends on the
 *   catalogue only, so a new order does not throw it away.
 * - `price`: the calculated prices of one product's variants for one pricing context.
 *   Catalogue only.
 * - `listing`: which products a set of sales channels may show. Catalogue only.
 * - `region`: a region's currency and tax setting, for pricing. Catalogue only.
 * Each key embeds the current generation of what it depends on: retiring a generation makes
 * every earlier entry unreachable at once. Keys are taken before the value is computed, so
 * a value computed while things changed is stored under the old generation and never served.
 */
export type RecommendationCacheKind = "response" | "card" | "price" | "listing" | "region"
export type RecommendationCacheScope = "model" | "catalogue"

const PREFIX = "omniflow:recommendations"
const generationKey = (scope: RecommendationCacheScope) => `${PREFIX}:generation:${scope}`
// Outlives any entry's TTL, so a generation never expires while entries made under an
// older one could still be served.
const GENERATION_TTL_SECONDS = 7 * 24 * 60 * 60

export async function recommendationGenerations(cache: ICacheService) {
  const [model, catalogue] = await Promise.all([
    cache.get<string>(generationKey("model")),
    cache.get<string>(generationKey("catalogue")),
  ])
  return { model: model ?? "0", catalogue: catalogue ?? "0" }
}

export function recommendationCacheKey(
  kind: RecommendationCacheKind,
  generations: { model: string; catalogue: string },
  parts: unknown
): string {
  const generation = kind === "response" ? `${generations.model}.${generations.catalogue}` : generations.catalogue
  const digest = createHash("sha1").update(JSON.stringify(parts)).digest("base64url")
  return `${PREFIX}:${kind}:${generation}:${digest}`
}

/**
 * Retires every entry that depends on `scope`: "model" when orders were counted or taken
 * out or the model was rebuilt (answers are stale, products are not); "catalogue" when
 * products, prices, channels or stock changed (everything is stale).
 */
export async function retireRecommendationCache(
  cache: ICacheService,
  scope: RecommendationCacheScope
): Promise<void> {
  // A fresh value rather than an increment: two servers retiring at once need no
  // read-modify-write, and neither can bring back a generation already used.
  const generation = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
  await cache.set(generationKey(scope), generation, GENERATION_TTL_SECONDS)
}
