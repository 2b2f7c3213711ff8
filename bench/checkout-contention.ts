/**
 * Checkout contention: N shoppers complete their carts at the same moment through the store
 * API of a real Medusa server, on `medusa develop` and on `medusa start`, in three client
 * modes, all in one run:
 * - `sync`: plain `POST /store/carts/:id/complete` with OmniFlow's guard; a buyer told
 *   `503` waits the `Retry-After` it was given and tries again;
 * - `async`: the same with `Prefer: respond-async`; the buyer's definite answer is the
 *   `202` (the stock is theirs) or the `400`, and the order is polled at `Location`;
 * - `core`: the guard off, core Medusa alone.
 *
 *   npm run bench:contention                       # everything below, both server modes
 *   npm run bench:contention -- --servers start    # one server mode
 *   npm run bench:contention -- --modes async,core # some client modes
 *   npm run bench:contention -- --n 40 --k 5       # one custom scenario
 *   npm run bench:contention -- --scenarios "N=200 K=20"
 *   npm run bench:contention -- --concurrency 8    # the guard's maxConcurrentCheckouts
 *   npm run bench:contention -- --queue-timeout 10 # checkoutQueueTimeoutSeconds: sheds with 503 + Retry-After
 *   npm run bench:contention -- --n 40 --k 40 --serial --servers start  # one checkout at a time
 *   npm run bench:contention -- --cluster 2        # `medusa start --cluster 2`
 *   npm run bench:contention -- --n 40 --k 40 --serial --recording-cost  # with and without the run registry
 *   npm run bench:contention -- --cluster-redis    # 1 server vs 2 servers + a worker on Redis
 *
 * `--cluster-redis` runs the burst (N=200 K=200 unless `--n`/`--k`) on `medusa start` twice
 * in one invocation: one server as a shop runs it today, and Medusa's distributed setup —
 * two servers (`MEDUSA_WORKER_MODE=server`) and a worker on a throwaway `redis-server` —
 * with buyers alternating between the servers. It prints orders/s for each and the CPU
 * time every process (PostgreSQL and Redis included) spent during the burst.
 *
 * Scenarios: N=200 K=20 (losers), N=200 K=200 (everyone wins), N=200 buyers of 200
 * different items (no contention: the reference rate for `async`, run in that mode only),
 * and a bundle whose two lines draw on one item (N=60 K=21).
 *
 * Starts a throwaway embedded PostgreSQL unless DB_HOST is set (then DB_PORT, DB_USERNAME,
 * DB_PASSWORD name the server; a database `omniflow_bench_checkout` is recreated on it),
 * migrates and seeds it, then starts the server (admin off) once per server mode and
 * guard setting. Carts are prepared first; only the completions form the burst that is
 * timed.
 */
import { Pool } from "pg"
import { Http, inBatches, pct, prepareBenchDatabase, startServer, stopServer } from "./lib/server"
import { RedisProcess } from "../integration-tests/helpers/redis-process"
import { cpuSeconds, ProcessCpu } from "./lib/cpu"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { freePort } = require("../scripts/lib/embedded-pg")
const DB = "omniflow_bench_checkout"
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const num = (name: string) => (arg(name) === undefined ? undefined : Number(arg(name)))
const list = (name: string, all: string[]) => (arg(name) ? arg(name)!.split(",").map((s) => s.trim()) : all)

type Scenario = { name: string; n: number; k: number; bundle?: boolean; distinct?: boolean }
type Mode = "sync" | "async" | "core" | "sync-unrecorded"
const oneAtATime = process.argv.includes("--serial")
const clusterRedis = process.argv.includes("--cluster-redis")
const custom = num("n") ?? (clusterRedis ? 200 : undefined)
const DISTINCT = "N=200 different items"
const allScenarios: Scenario[] = custom
  ? [{ name: `N=${custom} K=${num("k") ?? (clusterRedis ? custom : 20)}`, n: custom, k: num("k") ?? (clusterRedis ? custom : 20) }]
  : [
      { name: "N=200 K=20", n: 200, k: 20 },
      { name: "N=200 K=200", n: 200, k: 200 },
      { name: DISTINCT, n: 200, k: 200, distinct: true },
      // Every cart holds A×1 + B×1, both drawing on one item with K units: ⌊K/2⌋ orders at
      // most. K is odd so that the last unit tempts a per-line check into overselling.
      { name: "bundle N=60 K=21", n: 60, k: 21, bundle: true },
    ]
const scenarios = arg("scenarios") ? allScenarios.filter((s) => list("scenarios", []).includes(s.name)) : allScenarios
/** A server mode, or with `--cluster-redis` a topology of `medusa start` processes. */
const ONE_SERVER = "1 server"
const CLUSTER = "2 servers + worker, Redis"
const servers = clusterRedis ? [ONE_SERVER, CLUSTER] : list("servers", ["develop", "start"])
const modes = list("modes", [
  "sync",
  "async",
  ...(process.argv.includes("--recording-cost") ? ["sync-unrecorded"] : []),
  "core",
]) as Mode[]

/** One buyer's outcome: the definite answer (order, 4xx, 5xx) and when it came. */
type Outcome = {
  status: number
  /** ms from the burst's start to the definite answer (202/200/4xx/5xx other than 503). */
  answerMs: number
  orderId: string | null
  won: boolean
  /** 503s received on the way, and by how much each retry's answer overran its Retry-After. */
  shed: number
  overrun: number[]
  failedLater?: boolean
  ownMs?: number
}

type Row = {
  server: string
  mode: Mode
  scenario: string
  orders: number
  oversold: number
  withoutReservation: number
  c4xx: number
  c5xx: number
  shed: number
  p50: number
  p95: number
  max: number
  loseP50: number
  loseP95: number
  lastOrderS: number
  ordersPerS: number
  worstOverrun: number
  failedLater: number
  /** p50 of each buyer's own time to the definite answer (with `--serial`: one checkout's cost). */
  ownP50: number
  /** p95 of N plain `GET /store/carts/:id` at once on the same server: what any answer costs. */
  floorP95?: number
  /** CPU seconds per process during the burst (with `--cluster-redis`). */
  cpu?: ProcessCpu[]
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

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
  for (const serverMode of servers) {
    // One server per guard setting: `sync` and `async` share the guarded one.
    const settings = [
      ...(modes.some((m) => m === "sync" || m === "async") ? [{ guard: true, record: true }] : []),
      ...(modes.includes("sync-unrecorded") ? [{ guard: true, record: false }] : []),
      ...(modes.includes("core") ? [{ guard: false, record: true }] : []),
    ]
    for (const setting of settings) {
      const serverEnv = {
        ...env,
        OMNIFLOW_OPTIONS: JSON.stringify({
          inventoryDedup: {
            checkoutGuard: setting.guard,
            ...(num("concurrency") ? { maxConcurrentCheckouts: num("concurrency") } : {}),
            ...(num("queue-timeout") ? { checkoutQueueTimeoutSeconds: num("queue-timeout") } : {}),
          },
          // The order flow would ship and capture during the burst: only checkout is measured.
          orderFlow: { enabled: false },
          runs: { record: setting.record },
        }),
      }
      const topology = await startTopology(serverMode, serverEnv, port)
      try {
        const baseUrl = topology.urls[0]
        const login = await new Http(baseUrl, {}).ok("POST", "/auth/user/emailpass", {
          email: "admin@omniflow.local",
          password: "omniflow-admin",
        })
        const adminApi = new Http(baseUrl, { authorization: `Bearer ${login.token}` })
        // A storefront behind a load balancer: buyer i is served by server i mod servers.
        const stores = topology.urls.map((url) => new Http(url, { "x-publishable-api-key": key }))
        const storeOf = (i: number) => stores[i % stores.length]
        const clientModes = modes.filter((m) =>
          !setting.guard ? m === "core" : setting.record ? m === "sync" || m === "async" : m === "sync-unrecorded"
        )

        for (const mode of clientModes) {
          for (const sc of scenarios) {
            // The distinct-items run is the reference rate for `respond-async` only.
            if (sc.distinct && mode !== "async") continue
            serial++
            const { variantsPerCart, itemIds } = await hotProduct(adminApi, db, sc, serial, { profile, channel, location })
            const carts = await inBatches(sc.n, 16, async (i) => {
              const store = storeOf(i)
              const variants = variantsPerCart(i)
              const { cart } = await store.ok("POST", "/store/carts", {
                region_id: region,
                email: `bench-${serial}-${i}@example.com`,
                items: variants.map((variant_id) => ({ variant_id, quantity: 1 })),
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

            const cpuBefore = clusterRedis ? await topology.cpu() : []
            const t0 = performance.now()
            const buyer = async (id: string, i: number) => {
              const s0 = performance.now()
              const store = storeOf(i)
              const outcome = await (mode === "async" ? asyncBuyer(store, id, t0) : syncBuyer(store, id, t0))
              // The request's own time to its definite answer (what `--serial` compares).
              return { ...outcome, ownMs: outcome.answerMs - (s0 - t0) }
            }
            // `--serial` completes one cart at a time: the uncontended cost of one checkout.
            const results: Outcome[] = []
            if (oneAtATime) {
              for (const [i, id] of carts.entries()) results.push(await buyer(id, i))
            } else {
              results.push(...(await Promise.all(carts.map(buyer))))
            }
            const cpu = clusterRedis ? cpuSeconds(cpuBefore, await topology.cpu()) : undefined
            const t0Epoch = Date.now() - (performance.now() - t0)
            // The floor: the same server answering N plain reads of the same carts at once.
            const f0 = performance.now()
            const reads = await Promise.all(
              carts.map(async (id, i) => (await storeOf(i).call("GET", `/store/carts/${id}?fields=id`), performance.now() - f0))
            )
            rows.push({ ...(await measure(one, { server: serverMode, mode, sc, carts, itemIds, results, t0Epoch })), floorP95: pct(reads, 95), cpu })
            const r = rows[rows.length - 1]
            console.log(
              `${serverMode.padEnd(8)} ${mode.padEnd(6)} ${sc.name.padEnd(22)} orders ${r.orders}, 4xx ${r.c4xx}, 5xx ${r.c5xx}, ` +
                `503 ${r.shed}, answer p95 ${r.p95.toFixed(0)} ms, last order ${r.lastOrderS.toFixed(1)} s`
            )
          }
        }
      } finally {
        await topology.stop()
      }
    }
  }

  await db.end()
  printTable(rows)
  await stop()
}

/**
 * The processes a run is measured on: one `medusa start` or `medusa develop` (with
 * `--cluster N`, Medusa's cluster mode), or the Redis cluster: a throwaway redis-server,
 * a worker and two servers, started one after another (boots at once starve each other).
 */
async function startTopology(serverMode: string, env: NodeJS.ProcessEnv, port: number) {
  if (serverMode !== CLUSTER) {
    const mode = serverMode === ONE_SERVER ? "start" : (serverMode as "develop" | "start")
    // `--cluster N`: Medusa's cluster mode, N server processes sharing the port.
    const child = await startServer(env, port, [...(num("cluster") ? ["--cluster", String(num("cluster"))] : [])], mode)
    return {
      urls: [`http://localhost:${port}`],
      cpu: () => ProcessCpu.read([{ name: "server", pgid: child.pid! }]),
      stop: () => stopServer(child),
    }
  }
  const redis = new RedisProcess()
  await redis.start()
  const clusterEnv = { ...env, REDIS_URL: redis.url }
  const ports = [port, await freePort(), await freePort()]
  const worker = await startServer({ ...clusterEnv, MEDUSA_WORKER_MODE: "worker" }, ports[2])
  const a = await startServer({ ...clusterEnv, MEDUSA_WORKER_MODE: "server" }, ports[0])
  const b = await startServer({ ...clusterEnv, MEDUSA_WORKER_MODE: "server" }, ports[1])
  return {
    urls: ports.slice(0, 2).map((p) => `http://localhost:${p}`),
    cpu: () =>
      ProcessCpu.read([
        { name: "server 1", pgid: a.pid! },
        { name: "server 2", pgid: b.pid! },
        { name: "worker", pgid: worker.pid! },
      ]),
    stop: async () => {
      await Promise.all([stopServer(a), stopServer(b), stopServer(worker)])
      await redis.stop()
    },
  }
}

/**
 * A fresh hot item (or, for the distinct scenario, one item per buyer) with its product,
 * so scenarios do not share stock.
 */
async function hotProduct(
  adminApi: Http,
  db: Pool,
  sc: Scenario,
  serial: number,
  ids: { profile: string; channel: string; location: string }
): Promise<{ variantsPerCart: (i: number) => string[]; itemIds: string[] }> {
  const sku = `HOT-${serial}`
  // One published product with a variant per kind; `itemId` shared by every variant, or
  // (none given) one inventory item per variant, which core creates.
  const createProduct = async (kinds: string[], itemId?: string): Promise<string[]> => {
    const product = await adminApi.ok("POST", "/admin/products", {
      title: `Hot ${serial}`,
      status: "published",
      shipping_profile_id: ids.profile,
      options: [{ title: "Kind", values: kinds }],
      variants: kinds.map((k) => ({
        title: k,
        sku: `${sku}-${k}`,
        options: { Kind: k },
        manage_inventory: true,
        ...(itemId ? { inventory_items: [{ inventory_item_id: itemId, required_quantity: 1 }] } : {}),
        prices: [{ currency_code: "eur", amount: 10 }],
      })),
      sales_channels: [{ id: ids.channel }],
    })
    return product.product.variants.map((v: any) => v.id)
  }
  if (sc.distinct) {
    const variantIds = await createProduct(Array.from({ length: sc.n }, (_, i) => `V${i}`))
    const { rows } = await db.query(
      `SELECT variant_id, inventory_item_id FROM product_variant_inventory_item WHERE variant_id = ANY($1) AND deleted_at IS NULL`,
      [variantIds]
    )
    const perItem = Math.max(1, Math.floor(sc.k / sc.n))
    await adminApi.ok("POST", "/admin/inventory-items/location-levels/batch", {
      create: rows.map((r) => ({ inventory_item_id: r.inventory_item_id, location_id: ids.location, stocked_quantity: perItem })),
    })
    return { variantsPerCart: (i) => [variantIds[i]], itemIds: rows.map((r) => r.inventory_item_id) }
  }
  const item = await adminApi.ok("POST", "/admin/inventory-items", { sku, title: sku })
  const itemId = item.inventory_item.id
  await adminApi.ok("POST", `/admin/inventory-items/${itemId}/location-levels`, { location_id: ids.location, stocked_quantity: sc.k })
  const variantIds = await createProduct(sc.bundle ? ["A", "B"] : ["A"], itemId)
  return { variantsPerCart: () => variantIds, itemIds: [itemId] }
}

/** A synchronous buyer who honours `Retry-After` on a 503, until a definite answer. */
async function syncBuyer(store: Http, id: string, t0: number): Promise<Outcome> {
  let shed = 0
  const overrun: number[] = []
  for (;;) {
    const r = await store.call("POST", `/store/carts/${id}/complete`).catch(() => ({ status: 599, body: null, headers: null }))
    const at = performance.now()
    if (r.status === 503 && r.headers?.get("retry-after")) {
      shed++
      const retryAfterMs = Number(r.headers.get("retry-after")) * 1000
      await sleep(retryAfterMs)
      const next = await syncBuyer(store, id, t0)
      // How much longer than promised the buyer waited after this 503 for the answer.
      overrun.push((next.answerMs - (at - t0)) / retryAfterMs, ...next.overrun)
      return { ...next, shed: shed + next.shed, overrun }
    }
    const won = r.status === 200 && r.body?.type === "order"
    return { status: r.status, answerMs: at - t0, orderId: won ? r.body.order.id : null, won, shed, overrun }
  }
}

/**
 * A `Prefer: respond-async` buyer: the definite answer is the 202 (the stock is theirs) or
 * the 4xx; then they poll `Location` as `Retry-After` says until the order is placed.
 */
async function asyncBuyer(store: Http, id: string, t0: number): Promise<Outcome> {
  const r = await store
    .call("POST", `/store/carts/${id}/complete`, undefined, { prefer: "respond-async" })
    .catch(() => ({ status: 599, body: null, headers: null }))
  const answerMs = performance.now() - t0
  if (r.status !== 202) {
    const won = r.status === 200 && r.body?.type === "order"
    return { status: r.status, answerMs, orderId: won ? r.body.order.id : null, won, shed: 0, overrun: [] }
  }
  const location = r.headers!.get("location")!
  let wait = Number(r.headers!.get("retry-after") ?? 1) * 1000
  for (let polls = 0; polls < 600; polls++) {
    await sleep(wait)
    const p = await store.call("GET", location).catch(() => ({ status: 599, body: null, headers: null }))
    const state = p.body?.checkout?.state
    if (state === "placed") {
      return { status: 202, answerMs, orderId: p.body.checkout.order_id, won: true, shed: 0, overrun: [] }
    }
    if (state === "failed") {
      return { status: 202, answerMs, orderId: null, won: false, shed: 0, overrun: [], failedLater: true }
    }
    wait = Number(p.headers?.get("retry-after") ?? 1) * 1000
  }
  return { status: 202, answerMs, orderId: null, won: false, shed: 0, overrun: [], failedLater: true }
}

async function measure(
  one: (sql: string, params?: unknown[]) => Promise<any>,
  input: { server: string; mode: Mode; sc: Scenario; carts: string[]; itemIds: string[]; results: Outcome[]; t0Epoch: number }
): Promise<Row> {
  const { results, itemIds } = input
  const won = results.filter((r) => r.won)
  const stock = await one(
    `SELECT COALESCE(SUM(GREATEST(0, r - s)), 0)::int AS oversold FROM (
       SELECT l.inventory_item_id, SUM(l.stocked_quantity) AS s,
              COALESCE((SELECT SUM(quantity) FROM reservation_item ri WHERE ri.inventory_item_id = l.inventory_item_id AND ri.deleted_at IS NULL), 0) AS r
         FROM inventory_level l WHERE l.inventory_item_id = ANY($1) AND l.deleted_at IS NULL GROUP BY 1) x`,
    [itemIds]
  )
  // Every order of the scenario's carts (also one placed after its buyer gave up).
  const orders = await one(
    `SELECT COUNT(*)::int AS n, EXTRACT(EPOCH FROM MAX(o.created_at)) * 1000 AS last
       FROM order_cart oc JOIN "order" o ON o.id = oc.order_id
      WHERE oc.cart_id = ANY($1) AND oc.deleted_at IS NULL AND o.deleted_at IS NULL`,
    [input.carts]
  )
  const unreserved = await one(
    `SELECT COUNT(DISTINCT oi.order_id)::int AS n FROM order_cart oc
       JOIN order_item oi ON oi.order_id = oc.order_id AND oi.deleted_at IS NULL
      WHERE oc.cart_id = ANY($1) AND oc.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM reservation_item r WHERE r.line_item_id = oi.item_id AND r.deleted_at IS NULL)`,
    [input.carts]
  )
  const answers = results.map((r) => r.answerMs)
  const losers = results.filter((r) => r.status >= 400 && r.status < 500).map((r) => r.answerMs)
  const lastOrderS = orders.last ? (Number(orders.last) - input.t0Epoch) / 1000 : NaN
  return {
    server: input.server,
    mode: input.mode,
    scenario: input.sc.name,
    orders: Math.max(orders.n, won.length),
    oversold: stock.oversold,
    withoutReservation: unreserved.n,
    c4xx: results.filter((r) => r.status >= 400 && r.status < 500).length,
    c5xx: results.filter((r) => r.status >= 500 && r.status !== 503).length,
    shed: results.reduce((n, r) => n + r.shed, 0),
    p50: pct(answers, 50),
    p95: pct(answers, 95),
    max: Math.max(...answers),
    loseP50: pct(losers, 50),
    loseP95: pct(losers, 95),
    lastOrderS,
    ordersPerS: orders.n / lastOrderS,
    worstOverrun: Math.max(0, ...results.flatMap((r) => r.overrun)),
    failedLater: results.filter((r) => r.failedLater).length,
    ownP50: pct(results.map((r) => r.ownMs ?? r.answerMs), 50),
  }
}

function printTable(rows: Row[]) {
  const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : "–")
  console.log(
    "\n| server | client | scenario | orders | oversold | w/o reservation | 4xx | 5xx | 503s | answer p50 ms | p95 ms | max ms | losers p50 ms | losers p95 ms | last order s | orders/s | worst wait ÷ Retry-After | failed after 202 | N cart reads at once: p95 ms | own answer p50 ms |"
  )
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
  for (const r of rows) {
    console.log(
      `| ${r.server} | ${r.mode} | ${r.scenario} | ${r.orders} | ${r.oversold} | ${r.withoutReservation} | ${r.c4xx} | ${r.c5xx} | ${r.shed} | ` +
        `${f(r.p50)} | ${f(r.p95)} | ${f(r.max)} | ${f(r.loseP50)} | ${f(r.loseP95)} | ${f(r.lastOrderS, 1)} | ${f(r.ordersPerS, 1)} | ` +
        `${r.shed ? f(r.worstOverrun, 2) : "–"} | ${r.failedLater} | ${f(r.floorP95 ?? NaN)} | ${f(r.ownP50)} |`
    )
  }
  const withCpu = rows.filter((r) => r.cpu?.length)
  if (withCpu.length) {
    console.log("\nCPU seconds during the burst (user + system), per process; wall = the burst until its last answer:")
    for (const r of withCpu) {
      const wall = r.max / 1000
      const parts = r.cpu!.map((c) => `${c.name} ${c.seconds.toFixed(1)}`).join(", ")
      const total = r.cpu!.reduce((n, c) => n + c.seconds, 0)
      console.log(`  ${r.server} · ${r.mode} · ${r.scenario}: ${parts}; total ${total.toFixed(1)} s in ${wall.toFixed(1)} s wall = ${(total / wall).toFixed(2)} cores busy`)
    }
    for (const mode of new Set(withCpu.map((r) => r.mode))) {
      const one = rows.find((r) => r.server === ONE_SERVER && r.mode === mode)
      const two = rows.find((r) => r.server === CLUSTER && r.mode === mode)
      if (one && two) {
        console.log(`  ${mode}: cluster orders/s ÷ one server orders/s = ${f((100 * two.ordersPerS) / one.ordersPerS)} %`)
      }
    }
  }
  console.log("\nratios (same server, same run):")
  for (const server of new Set(rows.map((r) => r.server))) {
    const at = (mode: Mode, scenario: string) => rows.find((r) => r.server === server && r.mode === mode && r.scenario === scenario)
    const ref = at("async", DISTINCT)
    const hot = at("async", "N=200 K=200")
    if (ref && hot) {
      console.log(`  ${server}: async K=200 orders/s ÷ async ${DISTINCT} orders/s = ${f((100 * hot.ordersPerS) / ref.ordersPerS)} %`)
    }
    for (const sc of new Set(rows.map((r) => r.scenario))) {
      const core = at("core", sc)
      for (const mode of ["sync", "async", "sync-unrecorded"] as Mode[]) {
        const g = at(mode, sc)
        if (g && core) {
          if (oneAtATime) {
            console.log(`  ${server}: ${sc}: one ${mode} checkout p50 ${f(g.ownP50)} ms vs core ${f(core.ownP50)} ms → +${f((100 * g.ownP50) / core.ownP50 - 100)} %`)
          }
          console.log(`  ${server}: ${sc}: ${mode} last order ${f(g.lastOrderS, 1)} s vs core ${f(core.lastOrderS, 1)} s; answer p95 ${f(g.p95)} vs ${f(core.p95)} ms`)
        }
      }
    }
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
