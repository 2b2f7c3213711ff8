/**
 * Recommendation lookups through HTTP, next to core's own product endpoint in the same run.
 *
 *   npm run bench:recommendations:http              # 1000 sequential + 1000 at 8 in flight
 *   npm run bench:recommendations:http -- --n 300
 *
 * Uses the demo shop (its seed places historic orders), rebuilds the model through the
 * admin API, then times GET /store/products/:id/recommendations?region_id=… (calculated
 * prices included) and core's GET /store/products/:id?region_id=… on the same products.
 * The module-level figures for a 10k-product catalogue are in bench/recommendations.ts.
 */
import { Pool } from "pg"
import { Http, pct, prepareBenchDatabase, startServer, stopServer } from "./lib/server"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { freePort } = require("../scripts/lib/embedded-pg")

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : undefined
}
const N = arg("n") ?? 1000

async function timed(n: number, parallel: number, call: (i: number) => Promise<{ status: number }>) {
  const lat: number[] = []
  let next = 0
  let errors = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        const i = next++
        const s = performance.now()
        const r = await call(i)
        lat.push(performance.now() - s)
        if (r.status !== 200) errors++
      }
    })
  )
  const s = (performance.now() - t0) / 1000
  return { p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99), rps: n / s, errors }
}

async function main() {
  const { env, databaseUrl, stop } = await prepareBenchDatabase("omniflow_bench_reco_http")
  const db = new Pool({ connectionString: databaseUrl, max: 2 })
  db.on("error", () => {})
  const key = (await db.query(`SELECT token FROM api_key WHERE type = 'publishable' AND deleted_at IS NULL LIMIT 1`))
    .rows[0].token
  const region = (await db.query(`SELECT id FROM region WHERE deleted_at IS NULL LIMIT 1`)).rows[0].id
  const products: string[] = (
    await db.query(`SELECT id FROM product WHERE status = 'published' AND deleted_at IS NULL ORDER BY id`)
  ).rows.map((r) => r.id)
  await db.end()

  const port = await freePort()
  const server = await startServer({ ...env, OMNIFLOW_OPTIONS: JSON.stringify({ orderFlow: { enabled: false } }) }, port)
  try {
    const base = `http://localhost:${port}`
    const login = await new Http(base, {}).ok("POST", "/auth/user/emailpass", {
      email: "admin@omniflow.local",
      password: "omniflow-admin",
    })
    const admin = new Http(base, { authorization: `Bearer ${login.token}` })
    await admin.ok("POST", "/admin/recommendations/rebuild")
    const stats = await admin.ok("GET", "/admin/recommendations/stats")
    const store = new Http(base, { "x-publishable-api-key": key })

    const product = (i: number) => products[i % products.length]
    const reco = (i: number) => store.call("GET", `/store/products/${product(i)}/recommendations?limit=10&region_id=${region}`)
    const core = (i: number) => store.call("GET", `/store/products/${product(i)}?region_id=${region}`)
    // Warm both paths (module caches, query plans) before measuring.
    await timed(50, 4, reco)
    await timed(50, 4, core)

    const rows = [
      ["recommendations, sequential", await timed(N, 1, reco)],
      ["core product, sequential", await timed(N, 1, core)],
      ["recommendations, 8 in flight", await timed(N, 8, reco)],
      ["core product, 8 in flight", await timed(N, 8, core)],
    ] as const

    console.log(
      `\ncatalogue: ${products.length} products; model: ${JSON.stringify(stats.stats ?? stats)}\n`
    )
    console.log("| lookup | p50 ms | p95 ms | p99 ms | req/s | non-200 |")
    console.log("|---|---|---|---|---|---|")
    for (const [name, r] of rows) {
      console.log(`| ${name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.rps.toFixed(0)} | ${r.errors} |`)
    }
    const ratio = (a: number, b: number) => (a / b).toFixed(2)
    console.log(
      `\np95 recommendations / core product: sequential ${ratio(rows[0][1].p95, rows[1][1].p95)}, ` +
        `8 in flight ${ratio(rows[2][1].p95, rows[3][1].p95)} (target: recommendations p95 < 30 ms)`
    )
  } finally {
    await stopServer(server)
    await stop()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
