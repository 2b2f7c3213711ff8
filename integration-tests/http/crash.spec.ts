import { Client } from "pg"
import axios, { AxiosInstance } from "axios"
import { completeCart, prepareCart } from "../helpers/storefront"
import { waitFor } from "../helpers/wait"
import { dropDatabase, freePort, prepareDatabase, ServerProcess } from "../helpers/server-process"

/**
 * The checkout guard's and the order flow's promises at the instant they are for: a real
 * `medusa start` process takes a burst of N completions for K units and is killed with
 * SIGKILL (its whole process group) at a seeded offset into the burst; a new process starts
 * on the same database and recovers; then every buyer retries. After every kill point:
 * units in live orders ≤ stocked, every live order line has its reservation, no cart has
 * two orders (and no order is without its cart), every order's flow waits or has ended,
 * no claim is left held.
 */
jest.setTimeout(40 * 60 * 1000)

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 8)
const SEED = Number(process.env.CRASH_SEED ?? 20261121)
const N = 14
const K = 5
const DB = `omniflow_crash_${process.pid}`
const SKU = "GEISHA-LIMITED-100G"
// With these options a flow moves on by itself until it ships, is held or ends; any other
// stage is a flow still on its way (or stranded), and the stock is not settled yet.
const SETTLED = ["fulfilled", "canceled", "failed", "under_review", "awaiting_payment"]

/** Park–Miller: the same seed gives the same kill offsets. */
function seeded(seed: number) {
  let s = seed % 2147483647 || 1
  return () => (s = (s * 16807) % 2147483647) / 2147483647
}

describe("checkout and order flows across SIGKILL", () => {
  let server: ServerProcess
  let db: Client
  let api: AxiosInstance

  beforeAll(async () => {
    const env = await prepareDatabase(DB, {
      inventoryDedup: { reconcileEveryMinutes: 1, staleClaimMinutes: 1 },
      orderFlow: { shipAfterMinutes: 0, sweepAfterSeconds: 2, stuckAfterMinutes: 0.1 },
    })
    server = new ServerProcess(env, await freePort())
    db = new Client({ connectionString: env.DATABASE_URL })
    await db.connect()
    api = axios.create({ baseURL: server.url })
  })

  afterAll(async () => {
    await server?.kill()
    await db?.end()
    await dropDatabase(DB)
  })

  const one = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0]
  const num = async (sql: string, params: unknown[] = []) => Number(Object.values(await one(sql, params))[0] ?? 0)

  it("never oversells, never duplicates an order, never strands a flow", async () => {
    const key = (await one(`SELECT token FROM api_key WHERE type = 'publishable' AND deleted_at IS NULL LIMIT 1`)).token
    const regionId = (await one(`SELECT id FROM region WHERE deleted_at IS NULL LIMIT 1`)).id
    const { variant_id, inventory_item_id, location_id } = await one(
      `SELECT pv.id AS variant_id, pvi.inventory_item_id, l.location_id
         FROM product_variant pv
         JOIN product_variant_inventory_item pvi ON pvi.variant_id = pv.id
         JOIN inventory_level l ON l.inventory_item_id = pvi.inventory_item_id
        WHERE pv.sku = $1`,
      [SKU]
    )
    // Orders and carts of the hot variant only (the seed has historic orders of its own).
    const ORDERS = `SELECT DISTINCT o.id FROM "order" o JOIN order_item oi ON oi.order_id = o.id AND oi.version = o.version
                      JOIN order_line_item li ON li.id = oi.item_id WHERE li.variant_id = '${variant_id}'`
    const liveUnits = () =>
      num(
        `SELECT COALESCE(SUM(oi.quantity - oi.fulfilled_quantity), 0) FROM "order" o
           JOIN order_item oi ON oi.order_id = o.id AND oi.version = o.version AND oi.deleted_at IS NULL
           JOIN order_line_item li ON li.id = oi.item_id
          WHERE li.variant_id = $1 AND o.status NOT IN ('canceled', 'draft') AND o.deleted_at IS NULL`,
        [variant_id]
      )
    const stocked = () => num(`SELECT stocked_quantity FROM inventory_level WHERE inventory_item_id = $1`, [inventory_item_id])
    const unreservedUnits = () =>
      num(
        `SELECT COALESCE(SUM(GREATEST(0, oi.quantity - oi.fulfilled_quantity - COALESCE((
                  SELECT SUM(r.quantity) FROM reservation_item r WHERE r.line_item_id = li.id AND r.deleted_at IS NULL), 0))), 0)
           FROM "order" o
           JOIN order_item oi ON oi.order_id = o.id AND oi.version = o.version AND oi.deleted_at IS NULL
           JOIN order_line_item li ON li.id = oi.item_id
          WHERE li.variant_id = $1 AND o.status NOT IN ('canceled', 'draft') AND o.deleted_at IS NULL`,
        [variant_id]
      )
    const unlinkedOrders = () =>
      num(`SELECT COUNT(*) FROM (${ORDERS}) x WHERE NOT EXISTS (SELECT 1 FROM order_cart oc WHERE oc.order_id = x.id AND oc.deleted_at IS NULL)`)
    const cartsWithTwoOrders = () =>
      num(`SELECT COUNT(*) FROM (SELECT cart_id FROM order_cart WHERE deleted_at IS NULL GROUP BY 1 HAVING COUNT(*) > 1) x`)
    const heldClaims = () => num(`SELECT COUNT(*) FROM inventory_dedup_claim WHERE status = 'held' AND deleted_at IS NULL`)
    // The orders whose flow is missing or still on its way, with the stage it is in.
    const flowsNotSettled = async () =>
      (
        await db.query(
          `SELECT x.id, COALESCE(f.stage, 'no flow') AS stage FROM (${ORDERS}) x
             LEFT JOIN order_flow f ON f.order_id = x.id AND f.deleted_at IS NULL
            WHERE f.id IS NULL OR NOT (f.stage = ANY($1))`,
          [SETTLED]
        )
      ).rows.map((r) => `${r.id}: ${r.stage}`)

    // Units a cut-off shipment may have counted down twice, flagged on the order's timeline.
    const alertedUnits = () =>
      num(
        `SELECT COALESCE(SUM((i->>'quantity')::numeric), 0) FROM order_flow_event e, jsonb_array_elements(e.detail->'items') i
          WHERE e.stage = 'shipment' AND e.status = 'alert'`
      )

    const random = seeded(SEED)
    const rows: Record<string, unknown>[] = []
    let caughtMidway = 0
    let coreRefusals = 0
    await server.start()
    for (let round = 1; round <= ROUNDS; round++) {
      const admin = {
        headers: {
          authorization: `Bearer ${
            (await api.post("/auth/user/emailpass", { email: "admin@omniflow.local", password: "omniflow-admin" })).data.token
          }`,
        },
      }
      const alertedBefore = await alertedUnits()
      // K units free for this round's buyers.
      await api.post(
        `/admin/inventory-items/${inventory_item_id}/location-levels/${location_id}`,
        { stocked_quantity: (await liveUnits()) + K },
        admin
      )
      const carts: string[] = []
      for (let i = 0; i < N; i++) {
        carts.push(await prepareCart(api, key, { regionId, items: [{ variant_id, quantity: 1 }] }))
      }

      // The burst, and the kill somewhere inside it.
      const offsetMs = Math.round(200 + random() * 2300)
      const burst = carts.map((cart) => completeCart(api, key, cart).catch((e) => ({ status: 0, body: String(e) })))
      await new Promise((r) => setTimeout(r, offsetMs))
      await server.kill("SIGKILL")
      const before = await Promise.all(burst)

      // What the kill caught in the middle.
      const atKill = { held: await heldClaims(), unlinked: await unlinkedOrders(), unreserved: await unreservedUnits() }
      const caught = atKill.held > 0 || atKill.unlinked > 0 || atKill.unreserved > 0
      caughtMidway += caught ? 1 : 0

      await server.start()
      // Recovery at boot settles every claim the dead process held.
      await waitFor(heldClaims, (n) => n === 0, { timeoutMs: 90000, intervalMs: 500, what: "no claim left held" })

      // Every buyer retries: one order per cart, the same order for a cart that has one.
      const ordersBefore = new Map<string, string>(
        (await db.query(`SELECT cart_id, order_id FROM order_cart WHERE cart_id = ANY($1) AND deleted_at IS NULL`, [carts])).rows.map(
          (r) => [r.cart_id, r.order_id]
        )
      )
      const refusedBefore = coreRefusals
      const retried = await Promise.all(carts.map((cart) => completeCart(api, key, cart)))
      const statuses = retried.map((r) => r.status)
      expect(statuses.filter((s) => s !== 200 && s !== 400)).toEqual([])
      retried.forEach((r, i) => {
        if (ordersBefore.has(carts[i])) {
          expect([r.status, r.body.order?.id]).toEqual([200, ordersBefore.get(carts[i])])
        } else if (r.status === 400) {
          // Turned away without an order: by the guard (`out_of_stock`), or by core's own
          // reservation check after the guard's claim passed — which only a shipment cut
          // off by the kill explains (see the count below). The body says why when it is
          // something else.
          const why = r.body.code ?? (/^Not enough stock available/.test(r.body.message ?? "") ? "core_out_of_stock" : JSON.stringify(r.body))
          expect([carts[i], why]).toEqual([carts[i], expect.stringMatching(/^(out_of_stock|core_out_of_stock)$/)])
          if (why === "core_out_of_stock") coreRefusals++
        }
      })

      // Flows of every order wait or have ended.
      await waitFor(flowsNotSettled, (open) => open.length === 0, { timeoutMs: 180000, intervalMs: 500, what: "every order's flow to settle" })

      const invariant = {
        live: await liveUnits(),
        stocked: await stocked(),
        unreserved: await unreservedUnits(),
        unlinked: await unlinkedOrders(),
        twoOrders: await cartsWithTwoOrders(),
        held: await heldClaims(),
        // Units a shipment cut off inside core may have counted down twice (see
        // finish-cut-off-fulfillments): never oversold, flagged on the order for the shop.
        alerted: (await alertedUnits()) - alertedBefore,
      }
      const row = {
        round,
        kill_ms: offsetMs,
        answered_before_kill: before.filter((b) => b.status === 200).length,
        held_at_kill: atKill.held,
        unlinked_at_kill: atKill.unlinked,
        unreserved_at_kill: atKill.unreserved,
        caught,
        orders_after_retry: statuses.filter((s) => s === 200).length,
        out_of_stock: statuses.filter((s) => s === 400).length,
        refused_by_core_so_far: coreRefusals,
        ...invariant,
      }
      rows.push(row)
      // eslint-disable-next-line no-console
      console.log(`crash round ${round}: ${JSON.stringify(row)}`)
      expect(invariant.live).toBeLessThanOrEqual(invariant.stocked + invariant.alerted)
      expect(invariant.unreserved).toBe(0)
      expect(invariant.unlinked).toBe(0)
      expect(invariant.twoOrders).toBe(0)
      expect(invariant.held).toBe(0)
      // Every unit offered this round was sold: K orders came of it, never more. A shipment
      // the kill cut off in the middle of core's stock count-down may have counted its
      // units down twice (flagged as an alert, see finish-cut-off-fulfillments); those
      // units were gone before the buyers' turn, so core turned that many claims away.
      const orders = statuses.filter((s) => s === 200).length
      expect(orders).toBeLessThanOrEqual(K)
      expect(orders + invariant.alerted).toBeGreaterThanOrEqual(K)
      expect(coreRefusals - refusedBefore).toBeLessThanOrEqual(invariant.alerted)
    }
    // eslint-disable-next-line no-console
    console.log(
      `crash suite (seed ${SEED}): ${ROUNDS} kill points, ${caughtMidway} caught a completion mid-way, ` +
        `${coreRefusals} buyer(s) refused by core's reservation check instead of the guard\n` +
        JSON.stringify(rows, null, 1)
    )
    expect(caughtMidway).toBeGreaterThan(0)
  })
})
