import { Context } from "@medusajs/framework/types"
import {
  InjectManager,
  InjectTransactionManager,
  MedusaContext,
  MedusaService,
} from "@medusajs/framework/utils"
import { OmniflowOptions, parseOmniflowOptions } from "../../options"
import {
  RecommendationNeighbour,
  RecommendationOrder,
  RecommendationOrderProduct,
  RecommendationPair,
  RecommendationProductStat,
  RecommendationRebuild,
} from "./models"
import {
  ApplyOrderResult,
  OrderProducts,
  ProductNeighbours,
  RebuildResult,
  RecommendationStats,
  RemoveOrderResult,
} from "./types"

type SqlManager = { execute: (sql: string, params?: unknown[]) => Promise<any[]> }

// Every write to the co-purchase tables takes this lock. Updates are tiny, and serialising
// them is what keeps each neighbour list equal to what a full rebuild would compute: two
// concurrent orders sharing a partner would otherwise each rank it from a stale snapshot.
const LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('omniflow.recommendation'))`

// Lists of ids travel as one JSON parameter: a driver-side array would be expanded into
// one placeholder per element.
const json = (value: unknown) => JSON.stringify(value)
const ID_LIST = `SELECT value AS id FROM jsonb_array_elements_text(?::jsonb)`

// Scores are computed in double precision and stored as real; ranking uses the stored value
// so that the order in the table and the order a reader sees can never disagree.
const SCORE = `(p.weight::float8 / sqrt(sa.weight::float8 * sb.weight::float8))::real`

const RANKED_NEIGHBOURS = (where: string) => `
  SELECT 'rcnb_' || md5(product_id || ':' || other_id) AS id, product_id, other_id, score, orders, rk
    FROM (
      SELECT p.product_id, p.other_id, p.orders, s.score,
             row_number() OVER (PARTITION BY p.product_id ORDER BY s.score DESC, p.other_id) AS rk
        FROM recommendation_pair p
        JOIN recommendation_product_stat sa ON sa.product_id = p.product_id AND sa.deleted_at IS NULL
        JOIN recommendation_product_stat sb ON sb.product_id = p.other_id AND sb.deleted_at IS NULL
        CROSS JOIN LATERAL (SELECT ${SCORE} AS score) s
       WHERE p.deleted_at IS NULL ${where}
    ) ranked
   WHERE rk <= ?`

const INSERT_ALL_NEIGHBOURS = `
  INSERT INTO recommendation_neighbour (id, product_id, neighbour_id, score, orders, rank)
  ${RANKED_NEIGHBOURS("")}`

// Rewrites only the rows that differ: most of an affected list keeps its members and ranks,
// and untouched rows cost neither index maintenance nor dead tuples.
const REPLACE_NEIGHBOURS_OF = `
  WITH fresh AS (${RANKED_NEIGHBOURS(`AND p.product_id IN (${ID_LIST})`)}),
  gone AS (
    DELETE FROM recommendation_neighbour nb
     WHERE nb.product_id IN (${ID_LIST})
       AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.product_id = nb.product_id AND f.other_id = nb.neighbour_id)
  )
  INSERT INTO recommendation_neighbour (id, product_id, neighbour_id, score, orders, rank)
  SELECT id, product_id, other_id, score, orders, rk FROM fresh
  ON CONFLICT (product_id, neighbour_id) WHERE deleted_at IS NULL DO UPDATE
     SET score = EXCLUDED.score, orders = EXCLUDED.orders, rank = EXCLUDED.rank, updated_at = now()
   WHERE (recommendation_neighbour.score, recommendation_neighbour.orders, recommendation_neighbour.rank)
         IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.orders, EXCLUDED.rank)`

// Keeps each product's list size and lowest score beside its counts (see refreshNeighbours_).
const UPDATE_LIST_SUMMARY = `
  UPDATE recommendation_product_stat s
     SET neighbour_count = l.size, neighbour_min_score = l.min_score
    FROM (SELECT t.id, count(nb.id)::int AS size, min(nb.score) AS min_score
            FROM (${ID_LIST}) t
            LEFT JOIN recommendation_neighbour nb ON nb.product_id = t.id AND nb.deleted_at IS NULL
           GROUP BY t.id) l
   WHERE s.product_id = l.id`

/**
 * Item-to-item "frequently bought together". Every applied order adds 1 (its weight) to
 * n(a) for each of its products and to co(a,b) for each pair; the score of b for a is the
 * cosine co(a,b) / sqrt(n(a)·n(b)), so a best-seller that lands in every basket does not
 * outrank a product bought specifically with a. The top N neighbours of every product are
 * kept in `recommendation_neighbour`, so serving is one indexed read. See docs/recommendation.md.
 */
export default class RecommendationModuleService extends MedusaService({
  RecommendationOrder,
  RecommendationOrderProduct,
  RecommendationProductStat,
  RecommendationPair,
  RecommendationNeighbour,
  RecommendationRebuild,
}) {
  protected readonly options_: OmniflowOptions["recommendation"]

  constructor(container: Record<string, unknown>, options?: Record<string, unknown>) {
    super(container)
    this.options_ = parseOmniflowOptions(options).recommendation
  }

  getOptions(): OmniflowOptions["recommendation"] {
    return this.options_
  }

  /**
   * Counts an order once. A second call for the same order (a replayed event, a retried
   * workflow) finds its row and changes nothing.
   */
  @InjectTransactionManager()
  async applyOrder(
    input: OrderProducts,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<ApplyOrderResult> {
    const em = sharedContext.transactionManager as SqlManager
    const productIds = [...new Set(input.product_ids)].sort()
    const weight = input.weight ?? 1
    await em.execute(LOCK_SQL)

    const claimed = await em.execute(
      `INSERT INTO recommendation_order (id, order_id, weight, product_count, placed_at)
       VALUES ('rcord_' || md5(?), ?, ?, ?, ?)
       ON CONFLICT (order_id) WHERE deleted_at IS NULL DO NOTHING
       RETURNING id`,
      [input.order_id, input.order_id, weight, productIds.length, input.placed_at ?? null]
    )
    if (!claimed.length || !productIds.length) {
      return { applied: claimed.length > 0, order_id: input.order_id, product_ids: productIds }
    }

    await em.execute(
      `INSERT INTO recommendation_order_product (id, order_id, product_id)
       SELECT 'rcop_' || md5(? || ':' || id), ?, id FROM (${ID_LIST}) ids`,
      [input.order_id, input.order_id, json(productIds)]
    )
    const copurchase = productIds.length > 1 ? 1 : 0
    await em.execute(
      `INSERT INTO recommendation_product_stat (id, product_id, orders, weight, copurchase_orders)
       SELECT 'rcps_' || md5(id), id, 1, ?, ? FROM (${ID_LIST}) ids
       ON CONFLICT (product_id) WHERE deleted_at IS NULL DO UPDATE
         SET orders = recommendation_product_stat.orders + 1,
             weight = recommendation_product_stat.weight + EXCLUDED.weight,
             copurchase_orders = recommendation_product_stat.copurchase_orders + EXCLUDED.copurchase_orders,
             updated_at = now()`,
      [weight, copurchase, json(productIds)]
    )
    if (copurchase) {
      await em.execute(
        `INSERT INTO recommendation_pair (id, product_id, other_id, orders, weight)
         SELECT 'rcpr_' || md5(a.id || ':' || b.id), a.id, b.id, 1, ?
           FROM (${ID_LIST}) a CROSS JOIN (${ID_LIST}) b
          WHERE a.id <> b.id
         ON CONFLICT (product_id, other_id) WHERE deleted_at IS NULL DO UPDATE
           SET orders = recommendation_pair.orders + 1,
               weight = recommendation_pair.weight + EXCLUDED.weight,
               updated_at = now()`,
        [weight, json(productIds), json(productIds)]
      )
    }
    await this.refreshNeighbours_(em, productIds)
    return { applied: true, order_id: input.order_id, product_ids: productIds }
  }

  /**
   * Takes an order back out (a cancellation, or the compensation of applying it): subtracts
   * exactly what applying it added, so every score returns to its previous value.
   */
  @InjectTransactionManager()
  async removeOrder(
    orderId: string,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<RemoveOrderResult> {
    const em = sharedContext.transactionManager as SqlManager
    await em.execute(LOCK_SQL)
    const [order] = await em.execute(
      `DELETE FROM recommendation_order WHERE order_id = ? AND deleted_at IS NULL
       RETURNING weight, product_count, placed_at`,
      [orderId]
    )
    if (!order) {
      return { removed: false, order: null }
    }
    const lines = await em.execute(
      `DELETE FROM recommendation_order_product WHERE order_id = ? AND deleted_at IS NULL
       RETURNING product_id`,
      [orderId]
    )
    const productIds = lines.map((l) => l.product_id as string).sort()
    const weight = Number(order.weight)
    const removed: RemoveOrderResult = {
      removed: true,
      order: { order_id: orderId, product_ids: productIds, weight, placed_at: order.placed_at ?? null },
    }
    if (!productIds.length) {
      return removed
    }

    const copurchase = productIds.length > 1 ? 1 : 0
    await em.execute(
      `UPDATE recommendation_product_stat
          SET orders = orders - 1, weight = weight - ?, copurchase_orders = copurchase_orders - ?,
              updated_at = now()
        WHERE product_id IN (${ID_LIST}) AND deleted_at IS NULL`,
      [weight, copurchase, json(productIds)]
    )
    await em.execute(
      `DELETE FROM recommendation_product_stat
        WHERE product_id IN (${ID_LIST}) AND orders <= 0`,
      [json(productIds)]
    )
    if (copurchase) {
      await em.execute(
        `UPDATE recommendation_pair
            SET orders = orders - 1, weight = weight - ?, updated_at = now()
          WHERE product_id IN (${ID_LIST}) AND other_id IN (${ID_LIST})
            AND product_id <> other_id AND deleted_at IS NULL`,
        [weight, json(productIds), json(productIds)]
      )
      await em.execute(
        `DELETE FROM recommendation_pair
          WHERE product_id IN (${ID_LIST}) AND other_id IN (${ID_LIST}) AND orders <= 0`,
        [json(productIds), json(productIds)]
      )
    }
    await this.refreshNeighbours_(em, productIds)
    return removed
  }

  /**
   * Recomputes the neighbour lists an order can have changed. The order's own products
   * change in every way. A partner q of an order product a only saw score(q,a) move (n(a)
   * changed), so q's list can only change if a is in it, if the list is not full, or if the
   * new score reaches the list's current minimum; other partners are left alone, which is
   * what keeps an order touching a best-seller from re-ranking half the catalogue.
   */
  protected async refreshNeighbours_(em: SqlManager, productIds: string[]) {
    const n = this.options_.neighbours
    const affected = await em.execute(
      `WITH touched AS (${ID_LIST})
       SELECT id FROM touched
       UNION
       SELECT p.other_id
         FROM recommendation_pair p
         JOIN touched t ON t.id = p.product_id
         JOIN recommendation_product_stat sa ON sa.product_id = p.product_id AND sa.deleted_at IS NULL
         JOIN recommendation_product_stat sb ON sb.product_id = p.other_id AND sb.deleted_at IS NULL
        WHERE p.deleted_at IS NULL AND p.other_id NOT IN (SELECT id FROM touched)
          AND (sb.neighbour_count < ? OR ${SCORE} >= sb.neighbour_min_score
               OR EXISTS (SELECT 1 FROM recommendation_neighbour nb
                           WHERE nb.product_id = p.other_id AND nb.neighbour_id = p.product_id
                             AND nb.deleted_at IS NULL))`,
      [json(productIds), n]
    )
    const ids = json(affected.map((r) => r.id))
    await em.execute(REPLACE_NEIGHBOURS_OF, [ids, n, ids])
    await em.execute(UPDATE_LIST_SUMMARY, [ids])
  }

  /**
   * Replaces the whole order history with `orders` and recomputes everything from it, in
   * one transaction: storefronts keep reading the previous model until it commits.
   */
  @InjectTransactionManager()
  async rebuild(
    orders: OrderProducts[],
    @MedusaContext() sharedContext: Context = {}
  ): Promise<RebuildResult> {
    const em = sharedContext.transactionManager as SqlManager
    const startedAt = new Date()
    await em.execute(LOCK_SQL)
    await em.execute(`DELETE FROM recommendation_order_product`)
    await em.execute(`DELETE FROM recommendation_order`)
    const CHUNK = 2000
    for (let i = 0; i < orders.length; i += CHUNK) {
      const chunk = orders.slice(i, i + CHUNK).map((o) => ({
        order_id: o.order_id,
        product_ids: [...new Set(o.product_ids)],
        placed_at: o.placed_at ?? null,
        weight: o.weight ?? 1,
      }))
      await em.execute(
        `INSERT INTO recommendation_order (id, order_id, weight, product_count, placed_at)
         SELECT 'rcord_' || md5(x.order_id), x.order_id, x.weight, jsonb_array_length(x.product_ids), x.placed_at
           FROM jsonb_to_recordset(?::jsonb) AS x(order_id text, weight float8, product_ids jsonb, placed_at timestamptz)
         ON CONFLICT (order_id) WHERE deleted_at IS NULL DO NOTHING`,
        [json(chunk)]
      )
      await em.execute(
        `INSERT INTO recommendation_order_product (id, order_id, product_id)
         SELECT 'rcop_' || md5(x.order_id || ':' || p.id), x.order_id, p.id
           FROM jsonb_to_recordset(?::jsonb) AS x(order_id text, product_ids jsonb)
          CROSS JOIN LATERAL jsonb_array_elements_text(x.product_ids) AS p(id)
         ON CONFLICT (order_id, product_id) WHERE deleted_at IS NULL DO NOTHING`,
        [json(chunk)]
      )
    }
    return await this.recompute_(em, startedAt)
  }

  /**
   * Recomputes counts, pairs and neighbour lists from the stored order history alone, in
   * SQL: a self-join of order lines grouped by product pair, then a window function for the
   * top N. Cost grows with Σ k² over orders (k = distinct products per order), not with
   * the number of products squared.
   */
  @InjectTransactionManager()
  async recompute(@MedusaContext() sharedContext: Context = {}): Promise<RebuildResult> {
    const em = sharedContext.transactionManager as SqlManager
    const startedAt = new Date()
    await em.execute(LOCK_SQL)
    return await this.recompute_(em, startedAt)
  }

  protected async recompute_(em: SqlManager, startedAt: Date): Promise<RebuildResult> {
    const halfLife = this.options_.decayHalfLifeDays
    await em.execute(
      halfLife
        ? `UPDATE recommendation_order
              SET weight = CASE WHEN placed_at IS NULL THEN 1
                   ELSE power(0.5, greatest(extract(epoch FROM now() - placed_at), 0) / 86400.0 / ?) END`
        : `UPDATE recommendation_order SET weight = 1 WHERE weight <> 1`,
      halfLife ? [halfLife] : []
    )
    await em.execute(`DELETE FROM recommendation_neighbour`)
    await em.execute(`DELETE FROM recommendation_pair`)
    await em.execute(`DELETE FROM recommendation_product_stat`)
    await em.execute(
      `INSERT INTO recommendation_product_stat (id, product_id, orders, weight, copurchase_orders)
       SELECT 'rcps_' || md5(op.product_id), op.product_id, count(*), sum(o.weight::float8),
              count(*) FILTER (WHERE o.product_count > 1)
         FROM recommendation_order_product op
         JOIN recommendation_order o ON o.order_id = op.order_id AND o.deleted_at IS NULL
        WHERE op.deleted_at IS NULL
        GROUP BY op.product_id`
    )
    await em.execute(
      `INSERT INTO recommendation_pair (id, product_id, other_id, orders, weight)
       SELECT 'rcpr_' || md5(a.product_id || ':' || b.product_id), a.product_id, b.product_id,
              count(*), sum(o.weight::float8)
         FROM recommendation_order o
         JOIN recommendation_order_product a ON a.order_id = o.order_id AND a.deleted_at IS NULL
         JOIN recommendation_order_product b ON b.order_id = o.order_id AND b.deleted_at IS NULL
              AND b.product_id <> a.product_id
        WHERE o.product_count > 1 AND o.deleted_at IS NULL
        GROUP BY a.product_id, b.product_id`
    )
    await em.execute(INSERT_ALL_NEIGHBOURS, [this.options_.neighbours])
    await em.execute(
      `UPDATE recommendation_product_stat s
          SET neighbour_count = l.size, neighbour_min_score = l.min_score
         FROM (SELECT product_id, count(*)::int AS size, min(score) AS min_score
                 FROM recommendation_neighbour GROUP BY product_id) l
        WHERE l.product_id = s.product_id`
    )

    const [counts] = await em.execute(
      `SELECT (SELECT count(*) FROM recommendation_order WHERE deleted_at IS NULL)::int AS orders,
              (SELECT count(DISTINCT product_id) FROM recommendation_neighbour)::int AS products,
              (SELECT count(*) FROM recommendation_pair)::int / 2 AS pairs`
    )
    const finishedAt = new Date()
    const result = {
      started_at: startedAt,
      finished_at: finishedAt,
      duration_ms: finishedAt.getTime() - startedAt.getTime(),
      orders: counts.orders,
      products: counts.products,
      pairs: counts.pairs,
    }
    const [row] = await em.execute(
      `INSERT INTO recommendation_rebuild (id, started_at, finished_at, duration_ms, orders, products, pairs)
       VALUES ('rcrb_' || md5(random()::text || clock_timestamp()::text), ?, ?, ?, ?, ?, ?)
       RETURNING id`,
      [startedAt, finishedAt, result.duration_ms, result.orders, result.products, result.pairs]
    )
    return { id: row.id, ...result }
  }

  /**
   * The stored neighbours of each product, best first, in one indexed query. A product with
   * fewer co-purchase orders than `minCoPurchases` is reported as a cold start.
   */
  @InjectManager()
  async getNeighbours(
    productIds: string[],
    options: { limit?: number } = {},
    @MedusaContext() sharedContext: Context = {}
  ): Promise<ProductNeighbours[]> {
    const em = sharedContext.manager as SqlManager
    const limit = options.limit ?? this.options_.neighbours
    const rows = await em.execute(
      `SELECT s.product_id, s.copurchase_orders, nb.neighbour_id, nb.score, nb.orders
         FROM recommendation_product_stat s
         LEFT JOIN recommendation_neighbour nb
                ON nb.product_id = s.product_id AND nb.rank <= ? AND nb.deleted_at IS NULL
        WHERE s.product_id IN (${ID_LIST}) AND s.deleted_at IS NULL
        ORDER BY s.product_id, nb.rank`,
      [limit, json([...new Set(productIds)])]
    )
    const byProduct = new Map<string, ProductNeighbours>()
    for (const id of productIds) {
      byProduct.set(id, { product_id: id, copurchase_orders: 0, cold_start: true, neighbours: [] })
    }
    for (const row of rows) {
      const entry = byProduct.get(row.product_id)!
      entry.copurchase_orders = Number(row.copurchase_orders)
      entry.cold_start = entry.copurchase_orders < this.options_.minCoPurchases
      if (row.neighbour_id) {
        entry.neighbours.push({
          product_id: row.neighbour_id,
          score: Math.round(Number(row.score) * 1e4) / 1e4,
          orders: Number(row.orders),
        })
      }
    }
    return [...byProduct.values()]
  }

  @InjectManager()
  async getStats(@MedusaContext() sharedContext: Context = {}): Promise<RecommendationStats> {
    const em = sharedContext.manager as SqlManager
    const [counts] = await em.execute(
      `SELECT (SELECT count(DISTINCT product_id) FROM recommendation_neighbour WHERE deleted_at IS NULL)::int AS products,
              (SELECT count(*) FROM recommendation_pair WHERE deleted_at IS NULL)::int / 2 AS pairs,
              (SELECT count(*) FROM recommendation_order WHERE deleted_at IS NULL)::int AS orders`
    )
    const [last] = await em.execute(
      `SELECT id, started_at, finished_at, duration_ms, orders, products, pairs
         FROM recommendation_rebuild WHERE deleted_at IS NULL
        ORDER BY finished_at DESC LIMIT 1`
    )
    return {
      products_covered: counts.products,
      pairs: counts.pairs,
      orders_counted: counts.orders,
      last_rebuild_at: last?.finished_at ?? null,
      last_rebuild_duration_ms: last ? Number(last.duration_ms) : null,
      last_rebuild: last ?? null,
    }
  }
}
