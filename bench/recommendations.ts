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
import { loadRecommendationModule } from "./lib/recommendation-module"
import { insertHistory, syntheticHistory } from "./lib/synthetic-history"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { startEmbeddedPostgres, tempDataDir } = require("../scripts/lib/embedded-pg")

const small = process.argv.includes("--small")
const PRODUCTS = small ? 1_000 : 10_000
const ORDERS = small ? 10_000 : 100_000
const INCREMENTAL = small ? 200 : 500
const LOOKUPS = small ? 1_000 : 5_000
const DB = "omniflow_bench"

const history = syntheticHistory(PRODUCTS)
const rand = history.rand
const popularProduct = history.popular
const pid = (i: number) => `prod_${String(i).padStart(6, "0")}`
const basket = () => history.basket().map(pid)

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
  let module: Awaited<ReturnType<typeof loadRecommendationModule>> | null = null
  try {
    const admin = new Client({ ...conn, database: "postgres" })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`)
    await admin.query(`CREATE DATABASE ${DB}`)
    await admin.end()

    module = await loadRecommendationModule(url)
    const service = module.service

    // Bulk load: the history as the module stores it (one row per order, one per distinct product).
    process.stdout.write(`generating ${ORDERS} orders over ${PRODUCTS} products…\n`)
    const db = new Client({ ...conn, database: DB })
    await db.connect()
    const [lines, loadMs] = await timed(() => insertHistory(db, ORDERS, basket))
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
    await module?.shutdown()
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
