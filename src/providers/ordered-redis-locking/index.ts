import { ModuleProvider, Modules } from "@medusajs/framework/utils"
// Core's loader: one ioredis connection from the `redisUrl` option, as for core's provider.
import redisLockingLoader from "@medusajs/locking-redis/dist/loaders"
import { OrderedRedisLockingProvider } from "./service"

export { OrderedRedisLockingProvider } from "./service"

/**
 * A locking provider for several Medusa processes on one Redis: register it in the locking
 * module in place of `@medusajs/medusa/locking-redis`, with the same options
 * (`redisUrl`, `waitLockingTimeout`, `maximumRetryInterval`, …). See the README, "Scaling out".
 */
export default ModuleProvider(Modules.LOCKING, {
  services: [OrderedRedisLockingProvider],
  loaders: [redisLockingLoader],
})
