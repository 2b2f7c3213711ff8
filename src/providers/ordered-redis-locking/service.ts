import { RedisLockingProvider } from "@medusajs/locking-redis/dist/services/redis-lock"

type AcquireArgs = Parameters<RedisLockingProvider["acquire_"]>[1]
type CancellationToken = Parameters<RedisLockingProvider["acquire_"]>[2]

/**
 * Medusa's Redis locking provider, with a set of keys taken one at a time in a fixed order.
 *
 * Core's provider (2.21) asks for every key of a set at once. Two callers that want the
 * same two keys — two completions of carts holding the same two inventory items, on
 * different servers — can each win one and then wait for the other until both time out
 * ("Timed-out acquiring lock"): the sale is lost though nothing was contended for long.
 * A caller that gives up also kept the keys it had won until their lease expired.
 * (medusajs/medusa#16285.)
 *
 * Here the keys are deduplicated and sorted and taken in that order, so no two callers
 * ever hold what the other waits for; a caller that gives up hands back what it took at
 * once. Everything else — the Lua scripts, leases renewed under `execute`, the options —
 * is core's.
 */
export class OrderedRedisLockingProvider extends RedisLockingProvider {
  static identifier = "omniflow-ordered-redis"

  async acquire_(keys: string | string[], args?: AcquireArgs, cancellationToken?: CancellationToken): Promise<void> {
    const ordered = [...new Set(Array.isArray(keys) ? keys : [keys])].sort()
    const taken: string[] = []
    try {
      for (const key of ordered) {
        await super.acquire_([key], args, cancellationToken)
        taken.push(key)
      }
    } catch (e) {
      if (taken.length) {
        await this.release(taken, { ownerId: args?.ownerId }).catch(() => undefined)
      }
      throw e
    }
  }
}
