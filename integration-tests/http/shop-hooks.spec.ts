import fs from "fs"
import path from "path"
import { ChildProcess, spawn } from "child_process"
import { Client } from "pg"
import axios, { AxiosInstance } from "axios"
import { dropDatabase, freePort, prepareDatabase } from "../helpers/server-process"
import { completeCart, prepareCart } from "../helpers/storefront"
import { waitFor } from "../helpers/wait"
import { FLASH_SALE_SKU } from "../../src/scripts/seed/catalog"

/**
 * A shop with completeCartWorkflow hooks of its own installs OmniFlow
 * (integration-tests/fixtures/shop-app: its medusa-config lists the plugin, its
 * src/workflows/hooks registers `validate` and `orderCreated`). Core allows one handler per
 * hook; OmniFlow chains itself into them, so the shop boots, its rules apply, and the
 * checkout guard still holds — through the store API and through the shop's own
 * `completeCartWorkflow(container).run(...)`. A real `medusa start` in the fixture folder.
 */
jest.setTimeout(300 * 1000)

const root = path.resolve(__dirname, "../..")
const fixture = path.join(root, "integration-tests", "fixtures", "shop-app")
const medusaBin = path.join(root, "node_modules", ".bin", "medusa")
const DB = `omniflow_shop_hooks_${process.pid}`

/** The plugin as a shop resolves it (package.json + .medusa/server/src), from source. */
function linkPluginAndModules() {
  // Relative links, remade when they point elsewhere (a moved checkout); a real folder
  // (someone ran `npm install` in the fixture) is left alone.
  const linkTo = (target: string, at: string) => {
    const link = path.relative(path.dirname(at), target)
    const stat = fs.lstatSync(at, { throwIfNoEntry: false })
    if (stat?.isSymbolicLink() && fs.readlinkSync(at) !== link) fs.unlinkSync(at)
    else if (stat) return
    fs.mkdirSync(path.dirname(at), { recursive: true })
    try {
      fs.symlinkSync(link, at, "dir")
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e // another run made it meanwhile
    }
  }
  linkTo(path.join(root, "node_modules"), path.join(fixture, "node_modules"))
  if (process.env.OMNIFLOW_FIXTURE_PLUGIN) return
  const plugin = path.join(root, ".omniflow", "fixture-plugin")
  const { name, version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
  fs.mkdirSync(plugin, { recursive: true })
  fs.writeFileSync(path.join(plugin, "package.json"), JSON.stringify({ name, version }, null, 2))
  linkTo(path.join(root, "src"), path.join(plugin, ".medusa", "server", "src"))
}

describe("a shop with its own completeCartWorkflow hooks, with OmniFlow installed", () => {
  let env: NodeJS.ProcessEnv
  let server: ChildProcess | null = null
  let db: Client
  let api: AxiosInstance
  let key: string
  let regionId: string
  let variant: Record<string, string>
  let logFile: string

  const one = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0]
  /** Units of the flash-sale item still free: stocked − reservations − held claims. */
  const flashAvailable = async () =>
    Number(
      (
        await one(
          `SELECT (SELECT SUM(stocked_quantity) FROM inventory_level l WHERE l.inventory_item_id = ii.id AND l.deleted_at IS NULL)
                - COALESCE((SELECT SUM(quantity) FROM reservation_item r WHERE r.inventory_item_id = ii.id AND r.deleted_at IS NULL), 0)
                - COALESCE((SELECT SUM((line->>'quantity')::numeric) FROM inventory_dedup_claim c, jsonb_array_elements(c.lines) line
                             WHERE c.status = 'held' AND c.deleted_at IS NULL AND line->>'inventory_item_id' = ii.id), 0) AS free
             FROM inventory_item ii
             JOIN product_variant_inventory_item pvi ON pvi.inventory_item_id = ii.id AND pvi.deleted_at IS NULL
            WHERE pvi.variant_id = $1`,
          [variant[FLASH_SALE_SKU]]
        )
      ).free
    )
  const claimsOf = async (cartId: string) =>
    (await db.query(`SELECT status, note FROM inventory_dedup_claim WHERE cart_id = $1 AND deleted_at IS NULL`, [cartId])).rows
  const orderOf = async (cartId: string) => (await one(`SELECT order_id FROM order_cart WHERE cart_id = $1 AND deleted_at IS NULL`, [cartId]))?.order_id
  const journal = async (cartId: string) =>
    ((await api.get("/fixture/journal")).data.journal as { hook: string; cart_id: string; claim_status?: string }[])
      .filter((j) => j.cart_id === cartId)
      .map(({ cart_id, ...j }) => j)
  const cart = (email: string, quantity: number, sku = FLASH_SALE_SKU) =>
    prepareCart(api, key, { regionId, email, items: [{ variant_id: variant[sku], quantity }] })
  const completeDirect = (cartId: string) =>
    api.post(`/fixture/carts/${cartId}/complete-direct`, {}, { validateStatus: () => true })

  beforeAll(async () => {
    linkPluginAndModules()
    env = await prepareDatabase(DB, { orderFlow: { enabled: false }, inventoryDedup: { reconcileEveryMinutes: false } })
    db = new Client({ connectionString: env.DATABASE_URL })
    await db.connect()
    key = (await one(`SELECT token FROM api_key WHERE type = 'publishable' AND deleted_at IS NULL LIMIT 1`)).token
    regionId = (await one(`SELECT id FROM region WHERE deleted_at IS NULL LIMIT 1`)).id
    variant = Object.fromEntries(
      (await db.query(`SELECT sku, id FROM product_variant WHERE sku = ANY($1)`, [[FLASH_SALE_SKU, "GRINDER-STEEL"]])).rows.map(
        (r) => [r.sku, r.id]
      )
    )

    const port = await freePort()
    logFile = path.join(root, ".omniflow", "test-results", `shop-fixture-${port}.log`)
    fs.mkdirSync(path.dirname(logFile), { recursive: true })
    const log = fs.openSync(logFile, "w")
    server = spawn(medusaBin, ["start"], {
      cwd: fixture,
      env: { ...env, PORT: String(port), LOG_LEVEL: process.env.SERVER_LOG_LEVEL ?? "info" },
      stdio: ["ignore", log, log],
      detached: true,
    })
    fs.closeSync(log)
    api = axios.create({ baseURL: `http://localhost:${port}` })
    const child = server
    try {
      await waitFor(
        async () => (child.exitCode !== null ? -1 : (await api.get("/health")).status),
        (s) => s === 200 || s === -1,
        { timeoutMs: 120000, intervalMs: 250, what: "the shop to answer /health" }
      )
      if (child.exitCode !== null) throw new Error(`the shop exited with ${child.exitCode}`)
    } catch (e) {
      const tail = fs.readFileSync(logFile, "utf8").split("\n").slice(-40).join("\n")
      throw new Error(`${(e as Error).message}\n--- ${logFile} ---\n${tail}`)
    }
  })

  afterAll(async () => {
    const child = server
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve())
        process.kill(-child.pid!, "SIGKILL")
      })
    }
    await db?.end()
    await dropDatabase(DB)
  })

  it("boots with both the shop's hooks and OmniFlow's", async () => {
    expect((await api.get("/health")).status).toBe(200)
    expect(fs.readFileSync(logFile, "utf8")).not.toMatch(/Cannot define multiple hook handlers/)
  })

  it("places an ordinary order: the shop's rules and the guard both ran", async () => {
    const cartId = await cart("buyer@example.com", 1, "GRINDER-STEEL")
    const placed = await completeCart(api, key, cartId)
    expect(placed.status).toBe(200)
    expect(placed.body.order.id).toEqual(expect.any(String))
    // The guard claimed before the shop's validate ran, and converted after its orderCreated.
    expect(await journal(cartId)).toEqual([
      { hook: "validate", claim_status: "held" },
      { hook: "orderCreated" },
    ])
    expect(await claimsOf(cartId)).toEqual([expect.objectContaining({ status: "converted" })])
  })

  it("lets the shop's validate refuse a cart, and the claim is given back (store API)", async () => {
    const before = await flashAvailable()
    const cartId = await cart("someone@blocked.test", before)
    const res = await completeCart(api, key, cartId)
    expect(res.status).toBe(400)
    expect(res.body.message).toBe("This shop does not sell to blocked.test")
    expect(await orderOf(cartId)).toBeUndefined()
    expect((await claimsOf(cartId)).map((c) => c.status)).toEqual(["released"])
    expect(await flashAvailable()).toBe(before)
  })

  it("guards a completion the shop runs itself, and releases the claim when the shop's rule refuses it", async () => {
    const before = await flashAvailable()
    const cartId = await cart("other@blocked.test", before)
    const res = await completeDirect(cartId)
    expect([res.status, res.data.message]).toEqual([400, "This shop does not sell to blocked.test"])
    // No admission middleware on this path: the claim was taken in the hook and released
    // by it before the shop's error propagated.
    expect(await claimsOf(cartId)).toEqual([{ status: "released", note: "checkout failed after the claim" }])
    expect(await journal(cartId)).toEqual([{ hook: "validate", claim_status: "held" }])
    expect(await orderOf(cartId)).toBeUndefined()
    expect(await flashAvailable()).toBe(before)
  })

  it("compensates the shop's validate before releasing the claim when a later step fails", async () => {
    const before = await flashAvailable()
    const cartId = await cart("late@fail-late.test", before)
    const res = await completeDirect(cartId)
    expect([res.status, res.data.message]).toEqual([400, "The shop's orderCreated rule failed"])
    expect(await journal(cartId)).toEqual([
      { hook: "validate", claim_status: "held" },
      { hook: "orderCreated" },
      // The shop's compensation ran while the claim was still held: OmniFlow's goes last.
      { hook: "validate:compensate", claim_status: "held" },
    ])
    expect(await claimsOf(cartId)).toEqual([{ status: "released", note: "checkout failed after the claim" }])
    expect(await orderOf(cartId)).toBeUndefined()
    expect(await flashAvailable()).toBe(before)
  })

  it("still answers out_of_stock for the flash-sale SKU beyond its stock, on both paths", async () => {
    const stock = await flashAvailable()
    expect(stock).toBeGreaterThan(0)
    // Carts are filled while the stock is there; the first to complete takes all of it.
    const winner = await cart("fan@example.com", stock)
    const viaStore = await cart("late-fan@example.com", stock)
    const direct = await cart("later-fan@example.com", 1)

    expect((await completeCart(api, key, winner)).status).toBe(200)
    const refused = await completeCart(api, key, viaStore)
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({
      code: "out_of_stock",
      message: `Out of stock — ${FLASH_SALE_SKU}: ${stock} requested, 0 available`,
    })
    const refusedDirect = await completeDirect(direct)
    expect([refusedDirect.status, refusedDirect.data.message]).toEqual([
      400,
      `Out of stock — ${FLASH_SALE_SKU}: 1 requested, 0 available`,
    ])
    // The guard refused first: the shop's rule never saw these carts.
    expect(await journal(viaStore)).toEqual([])
    expect(await journal(direct)).toEqual([])
    expect(await orderOf(viaStore)).toBeUndefined()
    expect(await orderOf(direct)).toBeUndefined()
    // Nothing leaked from the refused carts above: the whole stock sold, to one buyer.
    expect(await flashAvailable()).toBe(0)
  })
})
