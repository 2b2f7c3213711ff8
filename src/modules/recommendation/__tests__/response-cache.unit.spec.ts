import InMemoryCacheModule from "@medusajs/cache-inmemory"
import { ICacheService } from "@medusajs/framework/types"
import {
  recommendationCacheKey,
  recommendationGenerations,
  retireRecommendationCache,
} from "../response-cache"

// Medusa's own in-memory Cache Module service, as the app uses by default.
const InMemoryCacheService = (InMemoryCacheModule as any).service

describe("recommendation cache keys", () => {
  let cache: ICacheService

  beforeEach(() => {
    cache = new InMemoryCacheService({}, { ttl: 30 })
  })

  const keys = async () => {
    const generations = await recommendationGenerations(cache)
    return {
      response: recommendationCacheKey("response", generations, ["/store/products/p1/recommendations", { limit: 10 }]),
      card: recommendationCacheKey("card", generations, ["p1", ["id"], "en"]),
      listing: recommendationCacheKey("listing", generations, [["sc_1"], "p1"]),
    }
  }

  it("gives one question one key, and another question another", async () => {
    const generations = await recommendationGenerations(cache)
    expect(recommendationCacheKey("response", generations, ["a", { limit: 10 }])).toBe(
      recommendationCacheKey("response", generations, ["a", { limit: 10 }])
    )
    expect(recommendationCacheKey("response", generations, ["a", { limit: 10 }])).not.toBe(
      recommendationCacheKey("response", generations, ["a", { limit: 11 }])
    )
    expect(recommendationCacheKey("card", generations, ["a"])).not.toBe(
      recommendationCacheKey("listing", generations, ["a"])
    )
  })

  it("a model change retires answers but keeps product data and listings", async () => {
    const before = await keys()
    await retireRecommendationCache(cache, "model")
    const after = await keys()
    expect(after.response).not.toBe(before.response)
    expect(after.card).toBe(before.card)
    expect(after.listing).toBe(before.listing)
  })

  it("a catalogue change retires everything, and every retirement is new", async () => {
    const before = await keys()
    await retireRecommendationCache(cache, "catalogue")
    const once = await keys()
    await retireRecommendationCache(cache, "catalogue")
    const twice = await keys()
    for (const kind of ["response", "card", "listing"] as const) {
      expect(once[kind]).not.toBe(before[kind])
      expect(twice[kind]).not.toBe(once[kind])
    }
  })
})
