import path from "path"
import { defineConfig, loadEnv, Modules } from "@medusajs/framework/utils"
import { OmniflowOptionsInput, parseOmniflowOptions } from "./src/options"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

/**
 * OmniFlow's options for this app. A shop that installs the built plugin passes the same
 * object as `plugins: [{ resolve: "medusa-plugin-omniflow", options }]`.
 * `OMNIFLOW_OPTIONS` (JSON) overrides it, which tests use for short deadlines.
 */
const omniflowOptions: OmniflowOptionsInput = {
  ...(process.env.OMNIFLOW_OPTIONS ? JSON.parse(process.env.OMNIFLOW_OPTIONS) : {}),
}
// Fails here, before anything boots, with the wrong option named.
parseOmniflowOptions(omniflowOptions)

const redisUrl = process.env.REDIS_URL

// With Redis, several Medusa instances share workflow state, events, locks and the cache
// (OmniFlow's storefront caches are retired for every instance at once).
const redisModules = redisUrl
  ? [
      {
        key: Modules.CACHE,
        resolve: "@medusajs/medusa/cache-redis",
        options: { redisUrl },
      },
      {
        key: Modules.EVENT_BUS,
        resolve: "@medusajs/medusa/event-bus-redis",
        options: { redisUrl },
      },
      {
        key: Modules.WORKFLOW_ENGINE,
        resolve: "@medusajs/medusa/workflow-engine-redis",
        options: { redis: { redisUrl } },
      },
      {
        key: Modules.LOCKING,
        resolve: "@medusajs/medusa/locking",
        options: {
          providers: [
            {
              // Core's Redis provider, with a set of keys taken in one fixed order: two
              // completions of carts sharing two inventory items, on two servers, no longer
              // hold one key each and time out waiting for the other (see the provider).
              resolve: path.join(__dirname, "src/providers/ordered-redis-locking"),
              id: "locking-redis",
              is_default: true,
              options: { redisUrl },
            },
          ],
        },
      },
    ]
  : []

// Test-only: a fulfilment provider that fails at the stock locations a shipping option names
// (integration-tests/providers/failing-fulfillment), and a payment provider that declines
// the sessions created to be declined (integration-tests/providers/declining-payment).
// Never registered unless asked for.
const testModules =
  process.env.OMNIFLOW_TEST_PROVIDERS === "true"
    ? [
        {
          key: Modules.FULFILLMENT,
          resolve: "@medusajs/medusa/fulfillment",
          options: {
            providers: [
              { resolve: "@medusajs/medusa/fulfillment-manual", id: "manual" },
              // Absolute: Medusa reads a "./" provider path as relative to ./src.
              { resolve: path.join(__dirname, "integration-tests/providers/failing-fulfillment"), id: "failing" },
            ],
          },
        },
        {
          key: Modules.PAYMENT,
          resolve: "@medusajs/medusa/payment",
          options: {
            providers: [{ resolve: path.join(__dirname, "integration-tests/providers/declining-payment"), id: "declining" }],
          },
        },
      ]
    : []

const ownModules = ["omniflow", "inventory-dedup", "recommendation", "risk-review", "flow-runs", "audit", "customer-lifecycle"].map((name) => ({
  resolve: `./src/modules/${name}`,
  options: omniflowOptions,
}))

// Medusa's roles and permissions (feature flag `rbac`, MEDUSA_FF_RBAC=true). defineConfig
// decides whether the RBAC module is on before the flag is registered, so it is listed here.
const rbacModules = process.env.MEDUSA_FF_RBAC === "true" ? [{ key: Modules.RBAC, resolve: "@medusajs/medusa/rbac" }] : []

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    redisUrl,
    workerMode: (process.env.MEDUSA_WORKER_MODE as "shared" | "worker" | "server") || "shared",
    http: {
      storeCors: process.env.STORE_CORS || "http://localhost:8000",
      adminCors: process.env.ADMIN_CORS || "http://localhost:5173,http://localhost:9000",
      authCors: process.env.AUTH_CORS || "http://localhost:5173,http://localhost:9000,http://localhost:8000",
      jwtSecret: process.env.JWT_SECRET || "supersecret",
      cookieSecret: process.env.COOKIE_SECRET || "supersecret",
    },
  },
  admin: {
    disable: process.env.MEDUSA_DISABLE_ADMIN === "true",
  },
  modules: [
    ...ownModules,
    ...rbacModules,
    ...redisModules,
    ...testModules,
    // Customer notifications go out on "email"; the local provider logs them. Tests that
    // need a mail service failing on demand register a test provider for "email" instead.
    {
      key: Modules.NOTIFICATION,
      resolve: "@medusajs/medusa/notification",
      options: {
        providers:
          process.env.OMNIFLOW_TEST_NOTIFICATIONS === "true"
            ? [
                { resolve: "@medusajs/medusa/notification-local", id: "local", options: { name: "Local", channels: ["feed"] } },
                {
                  resolve: path.join(__dirname, "integration-tests/providers/failing-notification"),
                  id: "failing",
                  options: { channels: ["email"] },
                },
              ]
            : [
                {
                  resolve: "@medusajs/medusa/notification-local",
                  id: "local",
                  options: { name: "Local Notification Provider", channels: (process.env.OMNIFLOW_NOTIFICATION_CHANNELS ?? "email,feed").split(",") },
                },
              ],
      },
    },
    // Data exports are private files: kept outside ./static (which Medusa serves to anyone)
    // and handed out only by OmniFlow's download routes, to their requester, until they expire.
    {
      key: Modules.FILE,
      resolve: "@medusajs/medusa/file",
      options: {
        providers: [
          {
            resolve: "@medusajs/medusa/file-local",
            id: "local",
            options: { private_upload_dir: process.env.OMNIFLOW_PRIVATE_FILES_DIR || ".omniflow/private-files" },
          },
        ],
      },
    },
  ],
})
