/**
 * Runs inside the app (`medusa exec`, see bench/claims.ts): the inventory-dedup module's
 * `claimStock` on one hot inventory item at 1, 16 and 64 concurrent callers, beside a raw
 * PostgreSQL conditional `UPDATE … WHERE qty >= 1` on one row, same database, same run.
 *
 * Each caller loops for `--seconds`: the guard side claims one unit for a cart of its own
 * and releases the claim (so the held set stays at ≤ callers, as in a sale where claims
 * turn into orders); the raw side decrements the row and increments it back. Claims per
 * second count the claims (one claim + one release per cycle on the guard side, one
 * decrement + one increment on the raw side).
 */
import { ExecArgs } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { Pool } from "pg"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../src/modules/inventory-dedup"
import { pct } from "./server"

const LOCATION = "sloc_bench_claims"

type Figure = { callers: number; claims: number; seconds: number; perS: number; p50: number; p95: number; errors: number }

async function loop(callers: number, seconds: number, cycle: (caller: number, i: number) => Promise<void>): Promise<Figure> {
  const until = performance.now() + seconds * 1000
  const lat: number[] = []
  let errors = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let i = 0; performance.now() < until; i++) {
        const s = performance.now()
        try {
          await cycle(caller, i)
          lat.push(performance.now() - s)
        } catch {
          errors++
        }
      }
    })
  )
  const wall = (performance.now() - t0) / 1000
  return { callers, claims: lat.length, seconds: wall, perS: lat.length / wall, p50: pct(lat, 50), p95: pct(lat, 95), errors }
}

export default async function claimsBench({ container, args }: ExecArgs) {
  const seconds = Number(args[0] ?? 8)
  const levels = (args[1] ?? "1,16,64").split(",").map(Number)
  const poolMax = Number(process.env.DB_POOL_MAX ?? 10)

  const inventory = container.resolve(Modules.INVENTORY)
  const guard: InventoryDedupModuleService = container.resolve(INVENTORY_DEDUP_MODULE)
  const [item] = await inventory.createInventoryItems([{ sku: `BENCH-CLAIMS-${Date.now()}`, title: "bench" }])
  await inventory.createInventoryLevels([{ inventory_item_id: item.id, location_id: LOCATION, stocked_quantity: 1_000_000 }])

  const raw = new Pool({ connectionString: process.env.DATABASE_URL, max: poolMax })
  raw.on("error", () => {})
  await raw.query(`DROP TABLE IF EXISTS bench_claims_stock; CREATE TABLE bench_claims_stock (id int PRIMARY KEY, qty int NOT NULL)`)
  await raw.query(`INSERT INTO bench_claims_stock VALUES (1, 1000000)`)
  const wide = new Pool({ connectionString: process.env.DATABASE_URL, max: Math.max(...levels) })
  wide.on("error", () => {})

  // One unit of the hot item, for a cart of its own.
  const claimOne = (cart: string) =>
    guard.claimStock({
      key: `bench:${cart}:claim`,
      cart_id: cart,
      location_ids: [LOCATION],
      lines: [{ inventory_item_id: item.id, quantity: 1, sku: "BENCH" }],
      source: "direct",
    })

  // Where one uncontended claim's time goes: its parts, one caller, 300 times each.
  const parts: Record<string, number[]> = { "availability query (no lock)": [], "claimStock": [], "releaseClaim": [], "empty transaction": [] }
  for (let i = 0; i < 300; i++) {
    const cart = `cart_bench_parts_${i}`
    let s = performance.now()
    await guard.previewAvailability([item.id], [LOCATION])
    parts["availability query (no lock)"].push(performance.now() - s)
    s = performance.now()
    const { result } = await claimOne(cart)
    parts["claimStock"].push(performance.now() - s)
    s = performance.now()
    await guard.releaseClaim({ key: `bench:${cart}:release`, claim_id: result.claim_id!, reason: "bench" })
    parts["releaseClaim"].push(performance.now() - s)
    s = performance.now()
    await guard.forgetEffect(`bench:nothing:${i}`)
    parts["empty transaction"].push(performance.now() - s)
  }
  console.log("one caller, p50 of 300:")
  for (const [name, xs] of Object.entries(parts)) console.log(`  ${name}: ${pct(xs, 50).toFixed(2)} ms`)

  const rows: { callers: number; guard: Figure; raw: Figure; rawWide: Figure }[] = []
  let run = 0
  for (const callers of levels) {
    run++
    // Warm both sides up (connections, plans) before measuring.
    const claimCycle = (tag: string) => async (caller: number, i: number) => {
      const cart = `cart_bench_${tag}_${caller}_${i}`
      const { result } = await claimOne(cart)
      if (result.claim_id) {
        await guard.releaseClaim({ key: `bench:${cart}:release`, claim_id: result.claim_id, reason: "bench" })
      }
    }
    const rawCycle = (pool: Pool) => async () => {
      const r = await pool.query(`UPDATE bench_claims_stock SET qty = qty - 1 WHERE id = 1 AND qty >= 1`)
      if (r.rowCount !== 1) throw new Error("no stock")
      await pool.query(`UPDATE bench_claims_stock SET qty = qty + 1 WHERE id = 1`)
    }
    await loop(callers, 1, claimCycle(`warm${run}`))
    await loop(callers, 1, rawCycle(raw))
    const g = await loop(callers, seconds, claimCycle(`run${run}`))
    const r = await loop(callers, seconds, rawCycle(raw))
    const w = await loop(callers, seconds, rawCycle(wide))
    rows.push({ callers, guard: g, raw: r, rawWide: w })
    console.log(`callers ${callers}: guard ${g.perS.toFixed(0)}/s, raw ${r.perS.toFixed(0)}/s (pool ${poolMax}), raw ${w.perS.toFixed(0)}/s (pool ${Math.max(...levels)})`)
  }
  await raw.query(`DROP TABLE IF EXISTS bench_claims_stock`)
  await raw.end()
  await wide.end()

  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–")
  console.log(`\nclaims on one hot item, ${seconds} s per figure; the app's pool has ${poolMax} connections`)
  console.log("| callers | guard claims/s | guard p50 ms | guard p95 ms | raw UPDATE/s (same pool) | raw p50 ms | guard ÷ raw | raw UPDATE/s (one connection per caller) | guard ÷ that | errors |")
  console.log("|---|---|---|---|---|---|---|---|---|---|")
  for (const { callers, guard: g, raw: r, rawWide: w } of rows) {
    console.log(
      `| ${callers} | ${g.perS.toFixed(0)} | ${f(g.p50)} | ${f(g.p95)} | ${r.perS.toFixed(0)} | ${f(r.p50)} | ${((100 * g.perS) / r.perS).toFixed(0)} % | ${w.perS.toFixed(0)} | ${((100 * g.perS) / w.perS).toFixed(0)} % | ${g.errors + r.errors + w.errors} |`
    )
  }
}
