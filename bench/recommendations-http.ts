/**
 * Recommendation lookups through HTTP on a 10k-product catalogue, next to core's own
 * product endpoint in the same run.
 *
 *   npm run bench:recommendations:http                      # 10k products, 100k orders
 *   npm run bench:recommendations:http -- --catalogue 1000 --orders 10000 --n 300
 *   npm run bench:recommendations:http -- --ttl 300   # cached rows with a longer cache lifetime
 *
 * The demo shop is seeded, then `--catalogue` published products (one variant, EUR price,
 * default sales channel) are created through the admin API and `--orders` synthetic orders
 * over them are loaded into the model and recomputed. Lookups ask
 * GET /store/products/:id/recommendations?limit=10&region_id=… (calculated prices), for
 * products drawn by popularity (Zipf, as shoppers browse), once with the response cache off
 * (every answer computed) and once with the default cache — right after the server starts,
 * and in a steady state after 2N requests of earlier traffic — where the table also shows
 * the share of answers served whole from the cache. Core's GET /store/products/:id?region_id=… is timed on
 * the same product sequence.
 */
import { Pool } from "pg"
import { loadRecommendationModule } from "./lib/recommendation-module"
import { Http, inBatches, pct, prepareBenchDatabase, startServer, stopServer } from "./lib/server"
import { insertHistory, syntheticHistory } from "./lib/synthetic-history"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { freePort } = require("../scripts/lib/embedded-pg")

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : undefined
}
const N = arg("n") ?? 1000
const CATALOGUE = arg("catalogue") ?? 10_000
const ORDERS = arg("orders") ?? 100_000
// The cached rows' `recommendation.responseCacheSeconds` (the default unless given).
const TTL = arg("ttl") ?? 60

type Result = {
  p50: number
  p95: number
  p99: number
  rps: number
  errors: number
  hits: number
  // Server-Timing phases of the computed (not cached) answers.
  phases: Map<string, number[]>
  hitLatencies: number[]
  computedLatencies: number[]
}

async function timed(
  n: number,
  parallel: number,
  call: (i: number) => Promise<{ status: number; headers: Headers }>
): Promise<Result> {
  const lat: number[] = []
  let next = 0
  let errors = 0
  let hits = 0
  const phases = new Map<string, number[]>()
  const hitLatencies: number[] = []
  const computedLatencies: number[] = []
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        const i = next++
        const s = performance.now()
        const r = await call(i)
        const ms = performance.now() - s
        lat.push(ms)
        if (r.status !== 200) errors++
        if (r.headers.get("x-omniflow-cache") === "hit") {
          hits++
          hitLatencies.push(ms)
        } else {
          computedLatencies.push(ms)
        }
        for (const part of (r.headers.get("server-timing") ?? "").split(",")) {
          const m = part.trim().match(/^([\w-]+);dur=([\d.]+)$/)
          if (m) phases.set(m[1], [...(phases.get(m[1]) ?? []), Number(m[2])])
        }
      }
    })
  )
  const s = (performance.now() - t0) / 1000
  return { p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99), rps: n / s, errors, hits, phases, hitLatencies, computedLatencies }
}

async function main() {
  const { env, databaseUrl, stop } = await prepareBenchDatabase("omniflow_bench_reco_http")
  const db = new Pool({ connectionString: databaseUrl, max: 2 })
  db.on("error", () => {})
  const one = async (sql: string) => (await db.query(sql)).rows[0]
  const key = (await one(`SELECT token FROM api_key WHERE type = 'publishable' AND deleted_at IS NULL LIMIT 1`)).token
  const region = (await one(`SELECT id FROM region WHERE deleted_at IS NULL LIMIT 1`)).id
  const channel = (await one(`SELECT id FROM sales_channel WHERE name = 'Default Sales Channel'`)).id
  const profile = (await one(`SELECT id FROM shipping_profile WHERE type = 'default' AND deleted_at IS NULL`)).id

  const port = await freePort()
  const base = `http://localhost:${port}`
  const serverWith = (responseCacheSeconds: number) =>
    startServer(
      {
        ...env,
        OMNIFLOW_OPTIONS: JSON.stringify({
          orderFlow: { enabled: false },
          recommendation: { rebuildSchedule: false, responseCacheSeconds },
        }),
      },
      port
    )
  const adminApi = async () => {
    const login = await new Http(base, {}).ok("POST", "/auth/user/emailpass", {
      email: "admin@omniflow.local",
      password: "omniflow-admin",
    })
    return new Http(base, { authorization: `Bearer ${login.token}` })
  }

  let server = await serverWith(0)
  let products: string[] = []
  let stats: unknown
  try {
    const admin = await adminApi()
    if (CATALOGUE > 0) {
      process.stdout.write(`creating ${CATALOGUE} products through the admin API… `)
      const t = performance.now()
      const BATCH = 250
      await inBatches(Math.ceil(CATALOGUE / BATCH), 1, async (b) => {
        const create = Array.from({ length: Math.min(BATCH, CATALOGUE - b * BATCH) }, (_, j) => {
          const i = b * BATCH + j
          return {
            title: `Synthetic ${i}`,
            handle: `synthetic-${i}`,
            status: "published",
            shipping_profile_id: profile,
            options: [{ title: "Size", values: ["One"] }],
            variants: [
              {
                title: "One",
                options: { Size: "One" },
                manage_inventory: false,
                prices: [{ currency_code: "eur", amount: 5 + (i % 50) }],
              },
            ],
            sales_channels: [{ id: channel }],
          }
        })
        await admin.ok("POST", "/admin/products/batch", { create })
      })
      console.log(`${((performance.now() - t) / 1000).toFixed(0)} s`)
      const rows = (await db.query(`SELECT id, handle FROM product WHERE handle LIKE 'synthetic-%' AND deleted_at IS NULL`)).rows
      const byIndex = new Map(rows.map((r) => [Number(r.handle.slice("synthetic-".length)), r.id as string]))
      products = Array.from({ length: CATALOGUE }, (_, i) => byIndex.get(i)!)

      process.stdout.write(`loading ${ORDERS} synthetic orders and recomputing the model… `)
      const history = syntheticHistory(CATALOGUE)
      const module = await loadRecommendationModule(databaseUrl)
      try {
        const lines = await insertHistory(db, ORDERS, () => history.basket().map((i) => products[i]), (i) => `order_bench_${i}`)
        const rebuilt = await module.service.recompute()
        console.log(`${lines} lines, ${rebuilt.pairs} pairs`)
      } finally {
        await module.shutdown()
      }
    } else {
      await admin.ok("POST", "/admin/recommendations/rebuild")
      products = (await db.query(`SELECT id FROM product WHERE status = 'published' AND deleted_at IS NULL ORDER BY id`)).rows.map((r) => r.id)
    }
    stats = (await admin.ok("GET", "/admin/recommendations/stats")).stats
  } catch (e) {
    await stopServer(server)
    throw e
  }

  // Popularity-drawn product sequences: the same one for core and the uncached rows; fresh
  // ones for the cached rows, so no row is served answers its own earlier requests cached.
  const sequenceOf = (seed: number, n = N) => {
    const history = syntheticHistory(products.length, seed)
    return Array.from({ length: n }, () => products[history.popular()])
  }
  const sequence = sequenceOf(7)
  const store = new Http(base, { "x-publishable-api-key": key })
  const recoOf = (seq: string[]) => (i: number) =>
    store.call("GET", `/store/products/${seq[i % seq.length]}/recommendations?limit=10&region_id=${region}`)
  const reco = recoOf(sequence)
  const core = (i: number) => store.call("GET", `/store/products/${sequence[i % N]}?region_id=${region}`)
  const warmUp = async () => {
    // Query plans, module caches and the content index, on products outside the sequence.
    const warm = (i: number) => products[(i * 7919 + 13) % products.length]
    await timed(50, 4, (i) => store.call("GET", `/store/products/${warm(i)}/recommendations?limit=10&region_id=${region}`))
    await timed(50, 4, (i) => store.call("GET", `/store/products/${warm(i)}?region_id=${region}`))
  }

  const rows: [string, Result][] = []
  try {
    await warmUp()
    rows.push(["recommendations, cache off, sequential", await timed(N, 1, reco)])
    rows.push(["core product, sequential", await timed(N, 1, core)])
    rows.push(["recommendations, cache off, 8 in flight", await timed(N, 8, reco)])
    rows.push(["core product, 8 in flight", await timed(N, 8, core)])
  } finally {
    await stopServer(server)
  }
  server = await serverWith(TTL)
  try {
    await warmUp()
    rows.push([`recommendations, cache ${TTL} s, right after start, sequential`, await timed(N, 1, reco)])
    // A storefront that has been open a while: 2N earlier requests, then fresh ones.
    await timed(2 * N, 4, recoOf(sequenceOf(11, 2 * N)))
    rows.push([`recommendations, cache ${TTL} s, steady, sequential`, await timed(N, 1, recoOf(sequenceOf(13)))])
    rows.push([`recommendations, cache ${TTL} s, steady, 8 in flight`, await timed(N, 8, recoOf(sequenceOf(17)))])
  } finally {
    await stopServer(server)
    await db.end()
    await stop()
  }

  console.log(`\ncatalogue: ${products.length} products; model: ${JSON.stringify(stats)}`)
  console.log(`${N} lookups per row, products drawn by popularity (${new Set(sequence).size} distinct)\n`)
  console.log("| lookup | p50 ms | p95 ms | p99 ms | req/s | non-200 | from cache |")
  console.log("|---|---|---|---|---|---|---|")
  for (const [name, r] of rows) {
    const cached = name.includes(`cache ${TTL} s`) ? `${((100 * r.hits) / N).toFixed(0)} %` : "–"
    console.log(`| ${name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.rps.toFixed(0)} | ${r.errors} | ${cached} |`)
  }
  console.log("\ncached rows, answers from the cache vs computed ones (ms, p50 / p95):")
  for (const [name, r] of rows.filter(([n]) => n.includes(`cache ${TTL} s`))) {
    const f = (xs: number[]) => (xs.length ? `${pct(xs, 50).toFixed(1)} / ${pct(xs, 95).toFixed(1)} (${xs.length})` : "–")
    console.log(`  ${name}: from cache ${f(r.hitLatencies)}; computed ${f(r.computedLatencies)}`)
  }
  console.log("\nwhere computed answers spend their time (Server-Timing, ms, p50 / p95; content only when co-purchases leave room):")
  for (const [name, r] of rows.filter(([n, r]) => n.startsWith("recommendations") && r.phases.size)) {
    const parts = [...r.phases.entries()].map(
      ([phase, xs]) => `${phase} ${pct(xs, 50).toFixed(1)} / ${pct(xs, 95).toFixed(1)} (${xs.length})`
    )
    console.log(`  ${name}: ${parts.join(", ")}`)
  }
  const p95 = (name: string) => rows.find(([n]) => n === name)![1].p95
  const ratio = (a: string, b: string) => (p95(a) / p95(b)).toFixed(2)
  const seq = "core product, sequential"
  console.log(
    `\np95 recommendations / core product (sequential): cache off ${ratio("recommendations, cache off, sequential", seq)}, ` +
      `cache right after start ${ratio(`recommendations, cache ${TTL} s, right after start, sequential`, seq)}, ` +
      `cache steady ${ratio(`recommendations, cache ${TTL} s, steady, sequential`, seq)}; ` +
      `8 in flight: cache off ${ratio("recommendations, cache off, 8 in flight", "core product, 8 in flight")}, ` +
      `cache steady ${ratio(`recommendations, cache ${TTL} s, steady, 8 in flight`, "core product, 8 in flight")}`
  )
  console.log(
    `target: recommendations p95 < 30 ms — cache ${TTL} s, steady, sequential: ` +
      `${p95(`recommendations, cache ${TTL} s, steady, sequential`).toFixed(1)} ms`
  )
}

// The loaded recommendation module leaves timers behind; the run is over when main is.
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  }
)
