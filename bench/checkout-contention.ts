/**
 * Checkout contention: N shoppers complete their carts at the same moment, all for one hot
 * variant with K units, through the store API of a real Medusa server — once with
 * OmniFlow's checkout guard on, once with it off (core Medusa alone), in the same run.
 *
 *   npm run bench:contention                   # N=200 K=20, N=200 K=200, bundle
 *   npm run bench:contention -- --n 40 --k 5   # one custom scenario (plus the bundle)
 *   npm run bench:contention -- --guard-only   # skip the core-alone run
 *   npm run bench:contention -- --concurrency 8  # the guard's maxConcurrentCheckouts
 *   npm run bench:contention -- --n 40 --k 40 --serial  # one checkout at a time
 *   npm run bench:contention -- --cluster 2  # both runs on `medusa start --cluster 2`
 *   npm run bench:contention -- --n 40 --k 40 --serial --recording-cost  # with and without the run registry
 *
 * Starts a throwaway embedded PostgreSQL unless DB_HOST is set (then DB_PORT, DB_USERNAME,
 * DB_PASSWORD name the server; a database `omniflow_bench_checkout` is recreated on it),
 * migrates and seeds it, then starts `medusa start` (admin off) once per mode.
 * Carts are prepared first; only the completions form the burst that is timed.
 */
import { Pool } from "pg"
import { Http, inBatches, pct, prepareBenchDatabase, startServer, stopServer } from "./lib/server"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { freePort } = require("../scripts/lib/embedded-pg")
const DB = "omniflow_bench_checkout"
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : undefined
}

type Scenario = { name: string; n: number; k: number; bundle?: boolean }
const oneAtATime = process.argv.includes("--serial")
const custom = arg("n")
const scenarios: Scenario[] = custom
  ? [{ name: `N=${custom} K=${arg("k") ?? 20}`, n: custom, k: arg("k") ?? 20 }]
  : [
      { name: "N=200 K=20", n: 200, k: 20 },
      { name: "N=200 K=200", n: 200, k: 200 },
    ]
// Bundle: every cart holds A×1 + B×1, both drawing on one item with K units: ⌊K/2⌋ orders at
// most. K is odd so that the last unit tempts a per-line check into overselling.
scenarios.push({ name: "bundle N=60 K=21", n: 60, k: 21, bundle: true })

type Row = {
  mode: string
  scenario: string
  orders: number
  oversold: number
  withoutReservation: number
  c4xx: number
  c5xx: number
  shed: number
  wallS: number
  ordersPerS: number
  p50: number
  p95: number
  p50Win: number
  p50Lose: number
}

async function main() {
  const { env, databaseUrl, stop } = await prepareBenchDatabase(DB)

  const db = new Pool({ connectionString: databaseUrl, max: 4 })
  // Stopping the embedded server at the end terminates idle clients; that is not an error.
  db.on("error", () => {})
  const one = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0]
  const key = (await one(`SELECT token FROM api_key WHERE type = 'publishable' AND deleted_at IS NULL LIMIT 1`)).token
  const region = (await one(`SELECT id FROM region WHERE deleted_at IS NULL LIMIT 1`)).id
  const channel = (await one(`SELECT id FROM sales_channel WHERE name = 'Default Sales Channel'`)).id
  const profile = (await one(`SELECT id FROM shipping_profile WHERE type = 'default' AND deleted_at IS NULL`)).id
  const location = (await one(`SELECT id FROM stock_location WHERE name = 'Berlin Warehouse'`)).id

  const rows: Row[] = []
  const port = await freePort()
  let serial = 0
  // `--guard-only` skips the core run, for quick iterations on the guard itself.
  // `--recording-cost` adds the guard with the run registry off: the cost of recording runs.
  const UNRECORDED = "omniflow guard, runs not recorded"
  const modes = [
    "omniflow guard",
    ...(process.argv.includes("--recording-cost") ? [UNRECORDED] : []),
    ...(process.argv.includes("--guard-only") ? [] : ["core alone"]),
  ]
  for (const mode of modes) {
    const guard = mode !== "core alone"
    const server = await startServer(
      {
        ...env,
        OMNIFLOW_OPTIONS: JSON.stringify({
          inventoryDedup: { checkoutGuard: guard, ...(arg("concurrency") ? { maxConcurrentCheckouts: arg("concurrency") } : {}) },
          // The order flow would ship and capture during the burst: only checkout is measured.
          orderFlow: { enabled: false },
          runs: { record: mode !== UNRECORDED },
        }),
      },
      port,
      // `--cluster N`: Medusa's cluster mode, N server processes sharing the port.
      arg("cluster") ? ["--cluster", String(arg("cluster"))] : []
    )
    try {
      const baseUrl = `http://localhost:${port}`
      const login = await new Http(baseUrl, {}).ok("POST", "/auth/user/emailpass", {
        email: "admin@omniflow.local",
        password: "omniflow-admin",
      })
      const adminApi = new Http(baseUrl, { authorization: `Bearer ${login.token}` })
      const store = new Http(baseUrl, { "x-publishable-api-key": key })

      for (const sc of scenarios) {
        serial++
        // A fresh hot item per scenario, so scenarios do not share stock.
        const itemSku = `HOT-${serial}`
        const item = await adminApi.ok("POST", "/admin/inventory-items", { sku: itemSku, title: itemSku })
        const itemId = item.inventory_item.id
        await adminApi.ok("POST", `/admin/inventory-items/${itemId}/location-levels`, {
          location_id: location,
          stocked_quantity: sc.k,
        })
        const kinds = sc.bundle ? ["A", "B"] : ["A"]
        const product = await adminApi.ok("POST", "/admin/products", {
          title: `Hot ${serial}`,
          status: "published",
          shipping_profile_id: profile,
          options: [{ title: "Kind", values: kinds }],
          variants: kinds.map((k) => ({
            title: k,
            sku: `${itemSku}-${k}`,
            options: { Kind: k },
            manage_inventory: true,
            inventory_items: [{ inventory_item_id: itemId, required_quantity: 1 }],
            prices: [{ currency_code: "eur", amount: 10 }],
          })),
          sales_channels: [{ id: channel }],
        })
        const variantIds: string[] = product.product.variants.map((v: any) => v.id)

        const carts = await inBatches(sc.n, 16, async (i) => {
          const { cart } = await store.ok("POST", "/store/carts", {
            region_id: region,
            email: `bench-${serial}-${i}@example.com`,
            items: variantIds.map((variant_id) => ({ variant_id, quantity: 1 })),
          })
          const address = { first_name: "B", last_name: "B", address_1: "x", city: "Berlin", country_code: "de", postal_code: "10117" }
          await store.ok("POST", `/store/carts/${cart.id}`, { shipping_address: address, billing_address: address })
          const { shipping_options } = await store.ok("GET", `/store/shipping-options?cart_id=${cart.id}`)
          await store.ok("POST", `/store/carts/${cart.id}/shipping-methods`, { option_id: shipping_options[0].id })
          const { payment_collection } = await store.ok("POST", "/store/payment-collections", { cart_id: cart.id })
          await store.ok("POST", `/store/payment-collections/${payment_collection.id}/payment-sessions`, {
            provider_id: "pp_system_default",
          })
          return cart.id as string
        })

        const complete = async (id: string) => {
          const s = performance.now()
          const r = await store.call("POST", `/store/carts/${id}/complete`).catch(() => ({ status: 599, body: null }))
          return { ...r, ms: performance.now() - s }
        }
        const t0 = performance.now()
        // `--serial` completes one cart at a time: the uncontended cost of one checkout.
        const results = oneAtATime
          ? await carts.reduce<Promise<Awaited<ReturnType<typeof complete>>[]>>(
              async (acc, id) => [...(await acc), await complete(id)],
              Promise.resolve([])
            )
          : await Promise.all(carts.map(complete))
        const wallS = (performance.now() - t0) / 1000

        const won = results.filter((r) => r.status === 200 && r.body?.type === "order")
        const stock = await one(
          `SELECT COALESCE((SELECT SUM(stocked_quantity) FROM inventory_level WHERE inventory_item_id = $1 AND deleted_at IS NULL), 0)::int AS stocked,
                  COALESCE((SELECT SUM(quantity) FROM reservation_item WHERE inventory_item_id = $1 AND deleted_at IS NULL), 0)::int AS reserved`,
          [itemId]
        )
        const orderIds = won.map((r) => r.body.order.id)
        const unreserved = orderIds.length
          ? (
              await one(
                `SELECT count(DISTINCT oi.order_id)::int AS n FROM order_item oi
                  WHERE oi.order_id = ANY($1) AND oi.deleted_at IS NULL
                    AND NOT EXISTS (SELECT 1 FROM reservation_item r WHERE r.line_item_id = oi.item_id AND r.deleted_at IS NULL)`,
                [orderIds]
              )
            ).n
          : 0
        const lat = results.map((r) => r.ms)
        rows.push({
          mode,
          scenario: sc.name,
          orders: won.length,
          oversold: Math.max(0, stock.reserved - stock.stocked),
          withoutReservation: unreserved,
          c4xx: results.filter((r) => r.status >= 400 && r.status < 500 && r.status !== 429).length,
          c5xx: results.filter((r) => r.status >= 500 && r.status !== 503).length,
          shed: results.filter((r) => r.status === 429 || r.status === 503).length,
          wallS,
          ordersPerS: won.length / wallS,
          p50: pct(lat, 50),
          p95: pct(lat, 95),
          p50Win: pct(won.map((r) => r.ms), 50),
          p50Lose: pct(results.filter((r) => r.status >= 400 && r.status < 500).map((r) => r.ms), 50),
        })
        const last = rows[rows.length - 1]
        console.log(`${mode.padEnd(15)} ${sc.name.padEnd(18)} orders ${last.orders}, 4xx ${last.c4xx}, 5xx ${last.c5xx}, wall ${wallS.toFixed(1)} s`)
      }
    } finally {
      await stopServer(server)
    }
  }

  // Raw PostgreSQL: the same burst as one conditional decrement on one row.
  const rawRows: { n: number; k: number; ok: number; opsPerS: number }[] = []
  for (const sc of scenarios.filter((s) => !s.bundle)) {
    await db.query(`DROP TABLE IF EXISTS bench_stock; CREATE TABLE bench_stock (id int primary key, qty int not null)`)
    await db.query(`INSERT INTO bench_stock VALUES (1, $1)`, [sc.k])
    const pool = new Pool({ connectionString: databaseUrl, max: 50 })
    pool.on("error", () => {})
    await Promise.all(Array.from({ length: 50 }, () => pool.query("SELECT 1")))
    const t0 = performance.now()
    const res = await Promise.all(
      Array.from({ length: sc.n }, () => pool.query(`UPDATE bench_stock SET qty = qty - 1 WHERE id = 1 AND qty >= 1`))
    )
    const s = (performance.now() - t0) / 1000
    rawRows.push({ n: sc.n, k: sc.k, ok: res.filter((r) => r.rowCount === 1).length, opsPerS: sc.n / s })
    await pool.end()
  }
  await db.query(`DROP TABLE IF EXISTS bench_stock`)
  await db.end()

  const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : "–")
  console.log("\n| mode | scenario | orders | oversold | orders w/o reservation | 4xx | 5xx | 429/503 | wall s | orders/s | p50 ms | p95 ms | p50 winner ms | p50 4xx ms |")
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
  for (const r of rows) {
    console.log(
      `| ${r.mode} | ${r.scenario} | ${r.orders} | ${r.oversold} | ${r.withoutReservation} | ${r.c4xx} | ${r.c5xx} | ${r.shed} | ${f(r.wallS, 1)} | ${f(r.ordersPerS, 2)} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p50Win)} | ${f(r.p50Lose)} |`
    )
  }
  console.log("\nwall time, guard vs core (lower is better):")
  for (const sc of scenarios) {
    const g = rows.find((r) => r.mode === "omniflow guard" && r.scenario === sc.name)
    const c = rows.find((r) => r.mode === "core alone" && r.scenario === sc.name)
    if (g && c) console.log(`  ${sc.name}: ${f(g.wallS, 1)} s vs ${f(c.wallS, 1)} s → ratio ${(g.wallS / c.wallS).toFixed(2)}`)
  }
  console.log("\nraw PostgreSQL baseline (conditional decrement on one row, 50 connections):")
  for (const r of rawRows) {
    console.log(`  N=${r.n} K=${r.k}: ${r.ok} succeeded, ${f(r.opsPerS)} ops/s`)
  }
  await stop()
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
