/**
 * Benchmark of the recommendation module against real PostgreSQL tables.
 *
 *   npm run bench:recommendations            # 10k products, 100k orders (~300k lines)
 *   npm run bench:recommendations -- --small # 1k products, 10k orders
 *
 * Starts a throwaway embedded PostgreSQL unless DB_HOST is set (then DB_PORT, DB_USERNAME,
 * DB_PASSWORD name the server; a database `omniflow_bench` is recreated on it). Loads a
 * synthetic order history in bulk, then measures the full rebuild (SQL), the incremental
 * update per order (apply and cancel), neighbour lookups, and the process's peak RSS.
 */
import path from "path"
import { Client } from "pg"
import { MedusaApp, MedusaAppMigrateUp, MedusaModule } from "@medusajs/framework/modules-sdk"
import { ContainerRegistrationKeys, createPgConnection } from "@medusajs/framework/utils"
import { RECOMMENDATION_MODULE } from "../src/modules/recommendation"
import RecommendationModuleService from "../src/modules/recommendation/service"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { startEmbeddedPostgres, tempDataDir } = require("../scripts/lib/embedded-pg")

const small = process.argv.includes("--small")
const PRODUCTS = small ? 1_000 : 10_000
const ORDERS = small ? 10_000 : 100_000
const INCREMENTAL = small ? 200 : 500
const LOOKUPS = small ? 1_000 : 5_000
const GROUP = 20 // products per "category": baskets mostly stay within one
const DB = "omniflow_bench"

// Deterministic, so two runs measure the same data.
function mulberry32(seed: number) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const rand = mulberry32(42)

// Popularity follows a Zipf law (s = 0.9): a few best-sellers are in many baskets, which is
// what stresses both the pair count and the cosine normalisation.
const zipfCdf = (() => {
  const w = Array.from({ length: PRODUCTS }, (_, i) => 1 / Math.pow(i + 1, 0.9))
  const total = w.reduce((a, b) => a + b, 0)
  let acc = 0
  return w.map((x) => (acc += x / total))
})()
function popularProduct(): number {
  const u = rand()
  let lo = 0
  let hi = PRODUCTS - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (zipfCdf[mid] < u) lo = mid + 1
    else hi = mid
  }
  // Scatter ranks over ids so best-sellers are not all in group 0.
  return (lo * 7919) % PRODUCTS
}
const SIZES = [1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6, 7]
const pid = (i: number) => `prod_${String(i).padStart(6, "0")}`

function basket(): string[] {
  const k = SIZES[Math.floor(rand() * SIZES.length)]
  const first = popularProduct()
  const items = new Set([first])
  while (items.size < k) {
    items.add(rand() < 0.6 ? Math.floor(first / GROUP) * GROUP + Math.floor(rand() * GROUP) : popularProduct())
  }
  return [...items].map(pid)
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2))

let peakRss = 0
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}, 20)

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint()
  const out = await fn()
  return [out, Number(process.hrtime.bigint() - t) / 1e6]
}

async function main() {
  let pg: any = null
  let dir = ""
  let conn = {
    host: process.env.DB_HOST,
    port: Number(process.env.DB_PORT || 5432),
    user: process.env.DB_USERNAME || "postgres",
    password: process.env.DB_PASSWORD || "",
  }
  if (!conn.host) {
    dir = tempDataDir("omniflow-bench-pg-")
    pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "data"), persistent: false, fast: true, quiet: true })
    conn = { host: "localhost", port: pg.port, user: pg.user, password: pg.password }
  }
  const url = `postgres://${conn.user}:${conn.password}@${conn.host}:${conn.port}/${DB}`
  const rows: [string, string][] = []
  let app: Awaited<ReturnType<typeof MedusaApp>> | null = null
  let knex: ReturnType<typeof createPgConnection> | null = null
  try {
    const admin = new Client({ ...conn, database: "postgres" })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`)
    await admin.query(`CREATE DATABASE ${DB}`)
    await admin.end()

    knex = createPgConnection({ clientUrl: url, schema: "public" })
    const modulesConfig = {
      [RECOMMENDATION_MODULE]: {
        resolve: path.join(__dirname, "..", "src", "modules", "recommendation"),
        options: { database: { clientUrl: url }, recommendation: { neighbours: 20, minCoPurchases: 2 } },
      },
    }
    const injectedDependencies = {
      [ContainerRegistrationKeys.PG_CONNECTION]: knex,
      [ContainerRegistrationKeys.LOGGER]: { ...console, debug: () => {}, info: () => {} },
    }
    const sharedResourcesConfig = { database: { clientUrl: url } }
    await MedusaAppMigrateUp({ modulesConfig, injectedDependencies, sharedResourcesConfig } as any)
    app = await MedusaApp({ modulesConfig, injectedDependencies, sharedResourcesConfig } as any)
    const service = app.modules[RECOMMENDATION_MODULE] as unknown as RecommendationModuleService

    // Bulk load: the history as the module stores it (one row per order, one per distinct product).
    process.stdout.write(`generating ${ORDERS} orders over ${PRODUCTS} products…\n`)
    const db = new Client({ ...conn, database: DB })
    await db.connect()
    let lines = 0
    const [, loadMs] = await timed(async () => {
      const BATCH = 10_000
      for (let start = 0; start < ORDERS; start += BATCH) {
        const orderIds: string[] = []
        const counts: number[] = []
        const lineOrders: string[] = []
        const lineProducts: string[] = []
        for (let i = start; i < Math.min(ORDERS, start + BATCH); i++) {
          const id = `order_${String(i).padStart(7, "0")}`
          const items = basket()
          orderIds.push(id)
          counts.push(items.length)
          for (const p of items) {
            lineOrders.push(id)
            lineProducts.push(p)
          }
        }
        lines += lineOrders.length
        await db.query(
          `INSERT INTO recommendation_order (id, order_id, weight, product_count)
           SELECT 'rcord_' || md5(o), o, 1, c FROM unnest($1::text[], $2::int[]) AS x(o, c)`,
          [orderIds, counts]
        )
        await db.query(
          `INSERT INTO recommendation_order_product (id, order_id, product_id)
           SELECT 'rcop_' || md5(o || ':' || p), o, p FROM unnest($1::text[], $2::text[]) AS x(o, p)`,
          [lineOrders, lineProducts]
        )
      }
      await db.query("ANALYZE")
    })
    rows.push(["history loaded (bulk insert)", `${ORDERS} orders, ${lines} lines, ${ms(loadMs)} ms`])

    const rssBefore = process.memoryUsage().rss
    peakRss = rssBefore
    const [rebuild, rebuildMs] = await timed(() => service.recompute())
    await db.query("ANALYZE")
    const rebuildPeak = peakRss
    rows.push(["full rebuild (SQL self-join + window)", `${ms(rebuildMs)} ms`])
    rows.push(["  distinct pairs / products covered", `${rebuild.pairs} / ${rebuild.products}`])
    const [{ n: neighbourRows }] = (await db.query(`SELECT count(*)::int AS n FROM recommendation_neighbour`)).rows
    rows.push(["  neighbour rows (top 20 each)", String(neighbourRows)])
    rows.push(["  node peak RSS during rebuild", `${(rebuildPeak / 2 ** 20).toFixed(0)} MB`])
    const [{ size }] = (
      await db.query(
        `SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) AS size FROM pg_class c
          WHERE c.relkind = 'r' AND c.relname LIKE 'recommendation_%'`
      )
    ).rows
    rows.push(["  tables + indexes on disk", size])

    // Incremental: new orders as order.placed would apply them, then cancellations.
    const applyTimes: number[] = []
    const newOrders = Array.from({ length: INCREMENTAL }, (_, i) => ({
      order_id: `order_new_${i}`,
      product_ids: basket(),
    }))
    for (const o of newOrders) {
      applyTimes.push((await timed(() => service.applyOrder(o)))[1])
    }
    applyTimes.sort((a, b) => a - b)
    rows.push([
      `incremental apply, ${INCREMENTAL} orders (p50 / p95 / max)`,
      `${ms(percentile(applyTimes, 50))} / ${ms(percentile(applyTimes, 95))} / ${ms(applyTimes[applyTimes.length - 1])} ms`,
    ])
    const removeTimes: number[] = []
    for (const o of newOrders.slice(0, Math.floor(INCREMENTAL / 2))) {
      removeTimes.push((await timed(() => service.removeOrder(o.order_id)))[1])
    }
    removeTimes.sort((a, b) => a - b)
    rows.push([
      `incremental cancel, ${removeTimes.length} orders (p50 / p95 / max)`,
      `${ms(percentile(removeTimes, 50))} / ${ms(percentile(removeTimes, 95))} / ${ms(removeTimes[removeTimes.length - 1])} ms`,
    ])

    // Lookups: half uniformly over the catalogue, half weighted by popularity (what shoppers view).
    for (let i = 0; i < 200; i++) {
      await service.getNeighbours([pid(popularProduct())])
    }
    const lookupTimes: number[] = []
    for (let i = 0; i < LOOKUPS; i++) {
      const id = pid(i % 2 ? popularProduct() : Math.floor(rand() * PRODUCTS))
      lookupTimes.push((await timed(() => service.getNeighbours([id], { limit: 10 })))[1])
    }
    lookupTimes.sort((a, b) => a - b)
    rows.push([
      `module lookup, ${LOOKUPS} products (p50 / p95 / p99)`,
      `${ms(percentile(lookupTimes, 50))} / ${ms(percentile(lookupTimes, 95))} / ${ms(percentile(lookupTimes, 99))} ms`,
    ])

    // The workflow's path: the whole history handed over from JS and rebuilt in one transaction.
    const history = (
      await db.query(
        `SELECT order_id, array_agg(product_id) AS product_ids FROM recommendation_order_product GROUP BY order_id`
      )
    ).rows
    peakRss = process.memoryUsage().rss
    const [, fullMs] = await timed(() => service.rebuild(history))
    rows.push(["rebuild incl. reloading history from JS", `${ms(fullMs)} ms (${history.length} orders)`])
    rows.push(["  node peak RSS", `${(peakRss / 2 ** 20).toFixed(0)} MB`])
    await db.end()

    const width = Math.max(...rows.map((r) => r[0].length)) + 2
    process.stdout.write(`\nrecommendations benchmark (${small ? "small" : "full"}: ${PRODUCTS} products, ${ORDERS} orders)\n`)
    process.stdout.write(`${"-".repeat(width + 36)}\n`)
    for (const [k, v] of rows) {
      process.stdout.write(`${k.padEnd(width)}${v}\n`)
    }
    const p95 = percentile(lookupTimes, 95)
    process.stdout.write(`${"-".repeat(width + 36)}\n`)
    process.stdout.write(
      `targets: lookup p95 < 5 ms: ${p95 < 5 ? "met" : "MISSED"}; rebuild < 60 s: ${rebuildMs < 60000 ? "met" : "MISSED"}\n`
    )
  } finally {
    clearInterval(sampler)
    await app?.onApplicationShutdown?.().catch(() => {})
    MedusaModule.clearInstances()
    await knex?.destroy().catch(() => {})
    if (pg) {
      await pg.stop()
      require("fs").rmSync(dir, { recursive: true, force: true })
    }
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  }
)
