/**
 * A deterministic synthetic order history for the recommendation benchmarks: product
 * popularity follows a Zipf law (s = 0.9), so a few best-sellers are in many baskets,
 * which is what stresses both the pair count and the cosine normalisation; baskets hold
 * 1–7 products and mostly stay within one "category" of 20 neighbouring products.
 */
const GROUP = 20
const SIZES = [1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6, 7]

function mulberry32(seed: number) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function syntheticHistory(products: number, seed = 42) {
  const rand = mulberry32(seed)
  const weights = Array.from({ length: products }, (_, i) => 1 / Math.pow(i + 1, 0.9))
  const total = weights.reduce((a, b) => a + b, 0)
  let acc = 0
  const cdf = weights.map((x) => (acc += x / total))

  /** A product index drawn by popularity (what shoppers buy and view most). */
  function popular(): number {
    const u = rand()
    let lo = 0
    let hi = products - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cdf[mid] < u) lo = mid + 1
      else hi = mid
    }
    // Scatter ranks over indexes so best-sellers are not all in one category.
    return (lo * 7919) % products
  }

  /** The product indexes of one order. */
  function basket(): number[] {
    const k = Math.min(products, SIZES[Math.floor(rand() * SIZES.length)])
    const first = popular()
    const items = new Set([first])
    while (items.size < k) {
      const sameGroup = Math.min(products - 1, Math.floor(first / GROUP) * GROUP + Math.floor(rand() * GROUP))
      items.add(rand() < 0.6 ? sameGroup : popular())
    }
    return [...items]
  }

  return { rand, popular, basket }
}

type Db = { query: (sql: string, params?: unknown[]) => Promise<unknown> }

/** Bulk-inserts orders as the recommendation module stores them; returns the line count. */
export async function insertHistory(
  db: Db,
  orders: number,
  basket: () => string[],
  idOf: (i: number) => string = (i) => `order_${String(i).padStart(7, "0")}`
): Promise<number> {
  const BATCH = 10_000
  let lines = 0
  for (let start = 0; start < orders; start += BATCH) {
    const orderIds: string[] = []
    const counts: number[] = []
    const lineOrders: string[] = []
    const lineProducts: string[] = []
    for (let i = start; i < Math.min(orders, start + BATCH); i++) {
      const id = idOf(i)
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
  return lines
}
