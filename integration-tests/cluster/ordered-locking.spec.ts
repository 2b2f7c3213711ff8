import Redis from "ioredis"
import { RedisLockingProvider } from "@medusajs/locking-redis/dist/services/redis-lock"
import { OrderedRedisLockingProvider } from "../../src/providers/ordered-redis-locking"
import { RedisProcess } from "../helpers/redis-process"

/**
 * The locking provider the cluster runs on, against a real redis-server: two instances
 * with their own connections stand for two servers.
 */
describe("ordered Redis locking", () => {
  const redis = new RedisProcess()
  const clients: Redis[] = []

  beforeAll(() => redis.start())
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()))
    await redis.stop()
  })

  const options = { redisUrl: "", waitLockingTimeout: 2, maximumRetryInterval: 50 }
  function provider<T>(Kind: new (deps: any, options: any) => T, prefix: string): T {
    const redisClient = new Redis(redis.url)
    clients.push(redisClient)
    return new Kind({ redisClient, prefix }, { ...options, redisUrl: redis.url })
  }

  it("runs overlapping key sets from two servers one at a time, none timing out", async () => {
    const servers = [provider(OrderedRedisLockingProvider, "a:"), provider(OrderedRedisLockingProvider, "a:")]
    const holders = new Map<string, number>()
    let overlaps = 0
    // Carts with the hot item and a side item, in either order, and carts with only one.
    const sets = [["hot", "side"], ["side", "hot"], ["hot"], ["side", "other", "hot"]]
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        servers[i % 2].execute(sets[i % sets.length], async () => {
          const keys = sets[i % sets.length]
          if (keys.some((k) => holders.get(k))) overlaps++
          keys.forEach((k) => holders.set(k, (holders.get(k) ?? 0) + 1))
          await new Promise((r) => setTimeout(r, 10))
          keys.forEach((k) => holders.set(k, holders.get(k)! - 1))
          return i
        })
      )
    )
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([])
    expect(overlaps).toBe(0)
    expect(await clients[0].keys("a:*")).toEqual([])
  })

  it("hands back the keys it took when it gives up waiting (core's provider keeps them for a whole lease)", async () => {
    for (const [Kind, prefix, keptAfterTimeout] of [
      [RedisLockingProvider, "core:", ["core:first"]],
      [OrderedRedisLockingProvider, "ordered:", []],
    ] as const) {
      const holder = provider(Kind as any, prefix) as RedisLockingProvider
      const caller = provider(Kind as any, prefix) as RedisLockingProvider
      await holder.acquire("second", { ownerId: "holder", expire: 30 })
      await expect(caller.execute(["first", "second"], async () => "ran", { timeout: 1 })).rejects.toThrow("Timed-out acquiring lock")
      // The give-up settles within one retry interval.
      await new Promise((r) => setTimeout(r, 200))
      expect(await clients[0].keys(`${prefix}first`)).toEqual(keptAfterTimeout)
      await holder.release("second", { ownerId: "holder" })
    }
  })
})
