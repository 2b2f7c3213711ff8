import { Context } from "@medusajs/framework/types"
import { Client } from "pg"
import {
  ContainerRegistrationKeys,
  generateEntityId,
  InjectManager,
  InjectTransactionManager,
  MedusaContext,
  MedusaError,
  MedusaService,
} from "@medusajs/framework/utils"
import { StockCheckout, StockClaim, StockEffect, StockGuard } from "./models"
import {
  CartStockNeeds,
  ClaimLineInput,
  ClaimStockInput,
  ClaimStockResult,
  EffectOutcome,
  Shortage,
} from "./types"

type SqlManager = { execute: (sql: string, params?: unknown[]) => Promise<any[]> }
type EffectKind = "claim" | "release" | "convert" | "reserve" | "restock" | "consume" | "cancel" | "recover"

/**
 * How long a shortage that in-flight reservations may cure keeps being retried: long
 * enough to span the moment between core's reservation and the order's link to its cart.
 */
const CLAIM_SETTLE_MS = 1000

export class ShortageError extends MedusaError {
  constructor(public readonly shortages: (Shortage & { might_settle: boolean })[]) {
    super(MedusaError.Types.NOT_ALLOWED, describeShortages(shortages))
  }
}

/** A claim reached items that have no guard row yet (their first claim ever). */
class MissingGuardsError extends Error {
  constructor(public readonly itemIds: string[]) {
    super("inventory items without a guard row")
  }
}

/** Advisory-lock namespace of OmniFlow's server processes (the first key of the pair). */
export const OWNER_LOCK_NAMESPACE = 0x0f1f10

/** Whether claim `c`'s owner process still holds its lock, i.e. is still alive. */
const OWNER_ALIVE_SQL = `(c.owner IS NOT NULL AND EXISTS (
  SELECT 1 FROM pg_locks l
   WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
     AND l.classid::text::bigint = ${OWNER_LOCK_NAMESPACE} AND l.objid::text::bigint = c.owner))`

/** A PostgreSQL text[] literal (bound as one parameter; the driver would spread a JS array). */
const textArray = (xs: string[]) => `{${xs.map((x) => `"${x.replace(/["\\]/g, "\\$&")}"`).join(",")}}`

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ")

/** Sums lines per inventory item (a bundle counts once per item) in a fixed order. */
export function mergeClaimLines(lines: ClaimLineInput[]): ClaimLineInput[] {
  const byItem = new Map<string, ClaimLineInput>()
  for (const line of lines) {
    const prev = byItem.get(line.inventory_item_id)
    byItem.set(line.inventory_item_id, {
      inventory_item_id: line.inventory_item_id,
      quantity: (prev?.quantity ?? 0) + Number(line.quantity),
      sku: [prev?.sku, line.sku].filter(Boolean).join(" + ") || null,
    })
  }
  return [...byItem.values()].sort((a, b) => a.inventory_item_id.localeCompare(b.inventory_item_id))
}

export default class InventoryDedupModuleService extends MedusaService({
  StockEffect,
  StockClaim,
  StockGuard,
  StockCheckout,
}) {
  protected readonly pg_: { client?: { connectionSettings?: unknown } } | undefined
  protected owner_: Promise<number | null> | null = null
  protected ownerClient_: Client | null = null

  constructor(container: Record<string, unknown>) {
    // eslint-disable-next-line prefer-rest-params
    super(...(arguments as unknown as [any]))
    this.pg_ = container[ContainerRegistrationKeys.PG_CONNECTION] as typeof this.pg_
  }

  __hooks = {
    onApplicationShutdown: async () => {
      await this.ownerClient_?.end().catch(() => undefined)
      this.ownerClient_ = null
    },
  }

  /**
   * This process's identity as a claim owner: a key it holds as a session-level advisory
   * lock on a connection of its own for as long as it lives. When the process dies —
   * SIGKILL included — PostgreSQL drops the session and the lock with it, so any other
   * process can tell at once that the claims it held belong to completions nobody is
   * running any more. Null when no such connection can be had: claims then fall back to
   * `staleClaimMinutes`.
   */
  /** This process's owner key (see ownerKey_), for other modules that mark work as this process's. */
  async processOwnerKey(): Promise<number | null> {
    return this.ownerKey_()
  }

  protected async ownerKey_(): Promise<number | null> {
    this.owner_ ??= (async () => {
      const settings = this.pg_?.client?.connectionSettings
      if (!settings) {
        return null
      }
      const key = 1 + Math.floor(Math.random() * 0x7ffffffe)
      const client = new Client(settings as any)
      try {
        await client.connect()
        client.on("error", () => {
          // The session is gone, and the lock with it: the next claim takes a new key.
          this.owner_ = null
          this.ownerClient_ = null
        })
        await client.query("SELECT pg_advisory_lock($1, $2)", [OWNER_LOCK_NAMESPACE, key])
        this.ownerClient_ = client
        return key
      } catch {
        await client.end().catch(() => undefined)
        this.owner_ = null
        return null
      }
    })()
    return await this.owner_
  }

  /**
   * What completing a cart will reserve, read in one round trip: every stock-managed,
   * non-backorder line expanded into its inventory items (a bundle variant can draw on
   * several), the stock locations of the cart's sales channel that core may reserve from,
   * and the cart's customer when they hold an account (a guest's cart has a customer
   * record too). The same tables core's own completion reads, so the claim sees what
   * core will reserve; null when there is no such cart.
   */
  @InjectManager()
  async readCartStockNeeds(
    cart_id: string,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<(CartStockNeeds & { customer_id: string | null }) | null> {
    const em = sharedContext.manager as SqlManager
    const [cart] = await em.execute(
      `SELECT c.id, c.sales_channel_id, CASE WHEN cu.has_account THEN cu.id END AS customer_id,
              COALESCE((SELECT array_agg(scl.stock_location_id ORDER BY scl.stock_location_id)
                          FROM sales_channel_stock_location scl
                         WHERE scl.sales_channel_id = c.sales_channel_id AND scl.deleted_at IS NULL), '{}') AS location_ids,
              COALESCE((SELECT jsonb_agg(jsonb_build_object(
                          'inventory_item_id', pvi.inventory_item_id,
                          'quantity', pvi.required_quantity * li.quantity,
                          'sku', li.variant_sku) ORDER BY li.id, pvi.inventory_item_id)
                          FROM cart_line_item li
                          JOIN product_variant pv ON pv.id = li.variant_id AND pv.deleted_at IS NULL
                           AND pv.manage_inventory AND NOT pv.allow_backorder
                          JOIN product_variant_inventory_item pvi ON pvi.variant_id = pv.id AND pvi.deleted_at IS NULL
                         WHERE li.cart_id = c.id AND li.deleted_at IS NULL), '[]') AS lines
         FROM cart c LEFT JOIN customer cu ON cu.id = c.customer_id AND cu.deleted_at IS NULL
        WHERE c.id = ? AND c.deleted_at IS NULL`,
      [cart_id]
    )
    if (!cart) {
      return null
    }
    return {
      cart_id: cart.id,
      sales_channel_id: cart.sales_channel_id ?? null,
      customer_id: cart.customer_id ?? null,
      location_ids: cart.location_ids,
      lines: (cart.lines as ClaimLineInput[]).map((l) => ({ ...l, quantity: Number(l.quantity), sku: l.sku ?? null })),
    }
  }

  /**
   * Holds a cart's whole stock, or fails with every shortage named and changes nothing.
   * Guard rows are locked in inventory-item order inside one transaction; availability is
   * recomputed under the lock from the stock levels, the live reservations and the held
   * claims, so concurrent claims — from any number of server instances — serialise on
   * the database and can never together take more than is there.
   */
  @InjectManager()
  async claimStock(
    input: ClaimStockInput,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<EffectOutcome<ClaimStockResult>> {
    const lines = mergeClaimLines(input.lines).filter((l) => l.quantity > 0)
    const owner = await this.ownerKey_()
    // A held claim counts only what core has not reserved for its cart yet; between core's
    // reservation and the link from the order to its cart the units may count twice for an
    // instant. A shortage that such fresh reservations explain is retried for that long.
    const deadline = Date.now() + CLAIM_SETTLE_MS
    for (;;) {
      try {
        return await this.claimStock_({ ...input, lines, owner }, sharedContext)
      } catch (e) {
        if (e instanceof MissingGuardsError) {
          // An item's first claim: its guard row is created outside the claim's
          // transaction (creating it never holds a lock), then the claim runs again.
          await this.ensureGuards_(e.itemIds, sharedContext)
          continue
        }
        const shortages = (e as ShortageError).shortages
        const mightSettle = shortages?.every((s) => s.might_settle)
        if (!mightSettle || Date.now() > deadline) {
          throw e
        }
        await new Promise((r) => setTimeout(r, 25 + Math.random() * 50))
      }
    }
  }

  @InjectTransactionManager()
  protected async claimStock_(
    input: ClaimStockInput & { owner: number | null },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<EffectOutcome<ClaimStockResult>> {
    const em = sharedContext.transactionManager as SqlManager
    const replay = await this.beginEffect_<ClaimStockResult>(em, input.key, "claim")
    if (replay) {
      return replay
    }

    // Locked before anything is read, so two claims on the same items — the same cart
    // completed twice, or two carts racing for the last units — see each other's result.
    const itemIds = input.lines.map((l) => l.inventory_item_id)
    if (itemIds.length) {
      const guards = await em.execute(
        `SELECT inventory_item_id FROM inventory_dedup_guard
          WHERE inventory_item_id IN (${placeholders(itemIds.length)}) AND deleted_at IS NULL
          ORDER BY inventory_item_id FOR UPDATE`,
        itemIds
      )
      if (guards.length < itemIds.length) {
        // Rolls the ledger row back with the rest; `claimStock` creates the guards and retries.
        throw new MissingGuardsError(itemIds)
      }
    }
    if (!itemIds.length) {
      // Nothing stock-managed; the claim already made for the cart, if any, stands.
      const [live] = await em.execute(
        `SELECT id, status, lines FROM inventory_dedup_claim
          WHERE cart_id = ? AND status != 'released' AND deleted_at IS NULL`,
        [input.cart_id]
      )
      return this.answerLiveClaim_(em, input, live ?? null)
    }

    // Under the lock, one statement: the cart's live claim, the availability, and — when
    // there is no live claim and no shortage — the new claim and its ledger result. The
    // lock is held for this one round trip and the commit, so claims on a hot item follow
    // each other as fast as the database can take them.
    const claimId = generateEntityId(undefined, "iclaim")
    const held: ClaimStockResult = { claim_id: claimId, cart_id: input.cart_id, status: "held", lines: input.lines }
    const [row] = await em.execute(
      `WITH live AS (SELECT id, status, lines FROM inventory_dedup_claim
                      WHERE cart_id = ? AND status != 'released' AND deleted_at IS NULL LIMIT 1),
            avail AS (SELECT item_id AS inventory_item_id, free AS available FROM inventory_dedup_available(?::text[], ?::text[])),
            wanted AS (SELECT x->>'inventory_item_id' AS inventory_item_id, (x->>'quantity')::numeric AS quantity
                         FROM jsonb_array_elements(?::jsonb) x),
            short AS (SELECT 1 FROM wanted w LEFT JOIN avail a ON a.inventory_item_id = w.inventory_item_id
                       WHERE COALESCE(a.available, 0) < w.quantity),
            ins AS (INSERT INTO inventory_dedup_claim
                      (id, key, cart_id, sales_channel_id, status, lines, source, adopted_at, owner, created_at, updated_at)
                    SELECT ?::text, ?::text, ?::text, ?::text, 'held', ?::jsonb, ?::text,
                           CASE WHEN ?::boolean THEN now() END, ?::integer, now(), now()
                     WHERE NOT EXISTS (SELECT 1 FROM live) AND NOT EXISTS (SELECT 1 FROM short)
                    RETURNING id),
            fin AS (UPDATE inventory_dedup_effect SET result = ?::jsonb, updated_at = now()
                     WHERE key = ? AND deleted_at IS NULL AND EXISTS (SELECT 1 FROM ins) RETURNING id)
       SELECT (SELECT to_jsonb(live) FROM live) AS live,
              (SELECT jsonb_object_agg(inventory_item_id, available) FROM avail) AS available,
              (SELECT id FROM ins) AS inserted,
              (SELECT count(*) FROM fin) AS finished`,
      [
        input.cart_id,
        textArray(itemIds),
        textArray(input.location_ids),
        JSON.stringify(input.lines),
        claimId,
        input.key,
        input.cart_id,
        input.sales_channel_id ?? null,
        JSON.stringify(input.lines),
        input.source ?? "direct",
        // The completion workflow owns what it claims itself from the start.
        input.source === "checkout",
        input.owner ?? null,
        JSON.stringify(held),
        input.key,
      ]
    )
    if (row.inserted) {
      return { result: held, replayed: false }
    }
    if (row.live) {
      return this.answerLiveClaim_(em, input, row.live)
    }
    const available = new Map<string, number>(
      itemIds.map((id) => [id, Number((row.available as Record<string, unknown> | null)?.[id] ?? 0)])
    )
    const shortages = findShortages(input.lines, available)
    // Throwing rolls the ledger row back too: a later attempt, after a restock, may succeed.
    const inWindow = await this.countedTwice_(em, itemIds)
    throw new ShortageError(
      shortages.map((s) => ({
        ...s,
        might_settle: s.available + (inWindow.get(s.inventory_item_id) ?? 0) >= s.requested,
      }))
    )
  }

  /**
   * The cart already has a claim: held means another request is completing it right now;
   * converted means it is ordered already (core will not create a second order).
   */
  protected async answerLiveClaim_(
    em: SqlManager,
    input: ClaimStockInput,
    live: { id: string; status: string; lines: ClaimLineInput[] } | null
  ): Promise<EffectOutcome<ClaimStockResult>> {
    if (live?.status === "held") {
      throw new MedusaError(
        MedusaError.Types.CONFLICT,
        `Cart ${input.cart_id} is already being completed by another request`
      )
    }
    const result: ClaimStockResult = {
      claim_id: live?.id ?? null,
      cart_id: input.cart_id,
      status: live ? "converted" : "none",
      lines: live?.lines ?? [],
    }
    return { result: await this.finishEffect_(em, input.key, result), replayed: false }
  }

  /**
   * Takes over the claim the checkout queue made for this cart when its request arrived.
   * Keyed like every effect, so a re-executed step gets the same answer; `claim_id` null
   * means there was nothing to adopt and the caller claims itself.
   */
  @InjectTransactionManager()
  async adoptClaim(
    input: { key: string; cart_id: string },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<EffectOutcome<ClaimStockResult>> {
    const em = sharedContext.transactionManager as SqlManager
    return await this.once_(em, input.key, "claim", async () => {
      const [row] = await em.execute(
        `UPDATE inventory_dedup_claim SET adopted_at = now(), updated_at = now(), owner = COALESCE(?, owner)
          WHERE cart_id = ? AND status = 'held' AND source = 'admission' AND adopted_at IS NULL
            AND deleted_at IS NULL
          RETURNING id, lines`,
        [await this.ownerKey_(), input.cart_id]
      )
      const result: ClaimStockResult = row
        ? { claim_id: row.id, cart_id: input.cart_id, status: "held", lines: row.lines }
        : { claim_id: null, cart_id: input.cart_id, status: "none", lines: [] }
      return result
    })
  }

  /**
   * What a claim could take right now, computed as the claim computes it but without a
   * lock or a write: for reports and checks, never for a decision.
   */
  @InjectManager()
  async previewAvailability(
    inventoryItemIds: string[],
    locationIds: string[],
    @MedusaContext() sharedContext: Context = {}
  ): Promise<Map<string, number>> {
    const em = sharedContext.manager as SqlManager
    return await this.availableUnderLock_(em, inventoryItemIds, locationIds)
  }

  /** Core reserved the claimed stock: the claim stops counting, in the same breath. */
  @InjectTransactionManager()
  async convertClaim(
    input: { key: string; cart_id: string; order_id: string },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<EffectOutcome<{ claim_id: string | null; status: string }>> {
    const em = sharedContext.transactionManager as SqlManager
    return await this.once_(em, input.key, "convert", async () => {
      const rows = await em.execute(
        `UPDATE inventory_dedup_claim SET status = 'converted', order_id = ?, updated_at = now()
          WHERE cart_id = ? AND status = 'held' AND deleted_at IS NULL RETURNING id`,
        [input.order_id, input.cart_id]
      )
      return { claim_id: (rows[0]?.id as string) ?? null, status: rows.length ? "converted" : "none" }
    })
  }

  /**
   * Undoes `convertClaim` when the completion that converted it is rolled back after all
   * (a shop nesting core's completion in its own workflow, whose later step failed): core
   * deleted the order and its reservations, so the claim holds the stock again until the
   * completion's own compensation releases it.
   */
  @InjectTransactionManager()
  async unconvertClaim(
    input: { cart_id: string; order_id: string },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ claim_id: string | null }> {
    const em = sharedContext.transactionManager as SqlManager
    const [row] = await em.execute(
      `UPDATE inventory_dedup_claim SET status = 'held', order_id = NULL, updated_at = now(),
              note = 'the completion that converted it was rolled back'
        WHERE cart_id = ? AND order_id = ? AND status = 'converted' AND deleted_at IS NULL RETURNING id`,
      [input.cart_id, input.order_id]
    )
    return { claim_id: (row?.id as string) ?? null }
  }

  /** Gives a held claim's stock back (failed checkout, stale claim). */
  @InjectTransactionManager()
  async releaseClaim(
    input: { key: string; claim_id: string; reason: string },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<EffectOutcome<{ claim_id: string; released: boolean }>> {
    const em = sharedContext.transactionManager as SqlManager
    return await this.once_(em, input.key, "release", async () => {
      const rows = await em.execute(
        `UPDATE inventory_dedup_claim SET status = 'released', note = ?, updated_at = now()
          WHERE id = ? AND status = 'held' AND deleted_at IS NULL RETURNING id`,
        [input.reason, input.claim_id]
      )
      return { claim_id: input.claim_id, released: rows.length > 0 }
    })
  }

  /**
   * Takes an effect back out of the ledger once its compensation undid it, so a later
   * attempt with the same key runs the effect again instead of replaying what no longer
   * exists. The row is kept, marked deleted, as history.
   */
  @InjectTransactionManager()
  async forgetEffect(key: string, @MedusaContext() sharedContext: Context = {}) {
    const em = sharedContext.transactionManager as SqlManager
    await em.execute(
      `UPDATE inventory_dedup_effect SET deleted_at = now(), updated_at = now() WHERE key = ? AND deleted_at IS NULL`,
      [key]
    )
  }

  /**
   * Runs `effect` at most once per key and returns its first result to every replay.
   * The ledger row is inserted first and committed with the result; a concurrent caller
   * with the same key blocks on the unique index until then. An effect that writes
   * outside this transaction (another module) must be discoverable by its key, so that a
   * re-run after a crash between its commit and the ledger's finds it instead of redoing it.
   */
  @InjectTransactionManager()
  async applyOnce<T>(
    key: string,
    kind: EffectKind,
    effect: () => Promise<T>,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<EffectOutcome<T>> {
    return await this.once_(sharedContext.transactionManager as SqlManager, key, kind, effect)
  }

  /**
   * Held claims whose completion nobody is running any more: their owner process died
   * (its advisory lock is gone), or — for claims without an owner, or a request that ended
   * without settling its claim — they are older than `staleMinutes`. Their cart may have
   * become an order before the process died, so they are recovered, never just released.
   */
  @InjectManager()
  async listClaimsToRecover(
    input: { stale_minutes: number; cart_id?: string },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ id: string; cart_id: string; created_at: Date; owner_alive: boolean }[]> {
    const em = sharedContext.manager as SqlManager
    const rows = await em.execute(
      `SELECT c.id, c.cart_id, c.created_at, ${OWNER_ALIVE_SQL} AS owner_alive
         FROM inventory_dedup_claim c
        WHERE c.status = 'held' AND c.deleted_at IS NULL ${input.cart_id ? "AND c.cart_id = ?" : ""}
        ORDER BY c.created_at`,
      input.cart_id ? [input.cart_id] : []
    )
    const staleBefore = Date.now() - input.stale_minutes * 60_000
    return rows.filter((r) => !r.owner_alive || new Date(r.created_at).getTime() < staleBefore)
  }

  /**
   * Opens the cart's `respond-async` checkout for the claim just taken, owned by this
   * process; the one already open for the cart when there is one (`created: false`).
   */
  @InjectTransactionManager()
  async openCheckout(
    input: { cart_id: string; claim_id: string | null; customer_id: string | null },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ checkout: any; created: boolean }> {
    const em = sharedContext.transactionManager as SqlManager
    const owner = await this.ownerKey_()
    const [row] = await em.execute(
      `INSERT INTO inventory_dedup_checkout (id, cart_id, claim_id, customer_id, state, owner, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'claimed', ?, now(), now())
       ON CONFLICT (cart_id) WHERE state = 'claimed' AND deleted_at IS NULL DO NOTHING
       RETURNING *`,
      [generateEntityId(undefined, "chk"), input.cart_id, input.claim_id, input.customer_id, owner]
    )
    if (row) {
      return { checkout: row, created: true }
    }
    return { checkout: await this.findOpenCheckout(input.cart_id, sharedContext), created: false }
  }

  /** The cart's checkout still in progress, if any. */
  @InjectManager()
  async findOpenCheckout(cart_id: string, @MedusaContext() sharedContext: Context = {}) {
    const em = sharedContext.manager as SqlManager
    const [row] = await em.execute(
      `SELECT * FROM inventory_dedup_checkout WHERE cart_id = ? AND state = 'claimed' AND deleted_at IS NULL`,
      [cart_id]
    )
    return row ?? null
  }

  /** Ends a checkout in progress, once: `placed` with its order, or `failed` with the reason. */
  @InjectTransactionManager()
  async settleCheckout(
    input:
      | { id: string; state: "placed"; order_id: string }
      | { id: string; state: "failed"; error: string; error_type: string | null },
    @MedusaContext() sharedContext: Context = {}
  ) {
    const em = sharedContext.transactionManager as SqlManager
    const [row] = await em.execute(
      `UPDATE inventory_dedup_checkout
          SET state = ?, order_id = ?, error = ?, error_type = ?, settled_at = now(), updated_at = now()
        WHERE id = ? AND state = 'claimed' AND deleted_at IS NULL RETURNING *`,
      input.state === "placed"
        ? ["placed", input.order_id, null, null, input.id]
        : ["failed", null, input.error, input.error_type, input.id]
    )
    if (row) {
      return row
    }
    const [current] = await em.execute(`SELECT * FROM inventory_dedup_checkout WHERE id = ?`, [input.id])
    return current ?? null
  }

  /** Checkouts in progress whose process is gone (or that are older than `stale_minutes`): to be completed again. */
  @InjectManager()
  async listCheckoutsToResume(input: { stale_minutes: number; limit: number }, @MedusaContext() sharedContext: Context = {}) {
    const em = sharedContext.manager as SqlManager
    return em.execute(
      `SELECT c.id, c.cart_id FROM inventory_dedup_checkout c
        WHERE c.state = 'claimed' AND c.deleted_at IS NULL
          AND (NOT ${OWNER_ALIVE_SQL} OR c.created_at < now() - (? * interval '1 minute'))
        ORDER BY c.created_at LIMIT ?`,
      [input.stale_minutes, input.limit]
    )
  }

  /**
   * The order a cart became, if any: through core's order↔cart link, or — when the
   * completion died before the link was written — the one unlinked order created from it
   * since its claim: same email, customer, channel, region, currency and the same
   * quantities per variant (core copies all of them from the cart into the order).
   */
  @InjectManager()
  async findCartOrder(
    input: { cart_id: string; since: Date },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ order_id: string; linked: boolean } | null> {
    const em = sharedContext.manager as SqlManager
    const [linked] = await em.execute(
      `SELECT order_id FROM order_cart WHERE cart_id = ? AND deleted_at IS NULL LIMIT 1`,
      [input.cart_id]
    )
    if (linked) {
      return { order_id: linked.order_id, linked: true }
    }
    const [match] = await em.execute(
      `WITH c AS (SELECT * FROM cart WHERE id = ? AND deleted_at IS NULL),
            wanted AS (SELECT jsonb_object_agg(variant_id, q) AS v FROM (
              SELECT variant_id, SUM(quantity) AS q FROM cart_line_item
               WHERE cart_id = ? AND deleted_at IS NULL GROUP BY 1) x)
       SELECT o.id FROM "order" o, c, wanted
        WHERE o.deleted_at IS NULL AND o.is_draft_order = false
          AND o.created_at >= ?::timestamptz - interval '1 minute'
          AND o.email IS NOT DISTINCT FROM c.email
          AND o.customer_id IS NOT DISTINCT FROM c.customer_id
          AND o.sales_channel_id IS NOT DISTINCT FROM c.sales_channel_id
          AND o.region_id IS NOT DISTINCT FROM c.region_id
          AND o.currency_code = c.currency_code
          AND NOT EXISTS (SELECT 1 FROM order_cart oc WHERE oc.order_id = o.id AND oc.deleted_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM inventory_dedup_claim x
                           WHERE x.order_id = o.id AND x.cart_id <> c.id AND x.deleted_at IS NULL)
          AND (SELECT jsonb_object_agg(variant_id, q) FROM (
                 SELECT li.variant_id, SUM(oi.quantity) AS q FROM order_item oi
                   JOIN order_line_item li ON li.id = oi.item_id
                  WHERE oi.order_id = o.id AND oi.version = o.version AND oi.deleted_at IS NULL GROUP BY 1) y) = wanted.v
        ORDER BY o.created_at LIMIT 1`,
      [input.cart_id, input.cart_id, input.since]
    )
    return match ? { order_id: match.id, linked: false } : null
  }

  /**
   * A recovered claim's cart became an order whose stock is now reserved (or could not
   * be: `alert` says what is missing, and the claim carries it for the shop to see).
   */
  @InjectTransactionManager()
  async convertRecoveredClaim(
    input: { key: string; claim_id: string; order_id: string; alert?: string | null },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<EffectOutcome<{ claim_id: string; converted: boolean }>> {
    const em = sharedContext.transactionManager as SqlManager
    return await this.once_(em, input.key, "recover", async () => {
      const rows = await em.execute(
        `UPDATE inventory_dedup_claim SET status = 'converted', order_id = ?, alert = ?, updated_at = now(),
                note = 'recovered: the completion died after creating the order'
          WHERE id = ? AND status = 'held' AND deleted_at IS NULL RETURNING id`,
        [input.order_id, input.alert ?? null, input.claim_id]
      )
      return { claim_id: input.claim_id, converted: rows.length > 0 }
    })
  }

  /**
   * What each live line of an order still lacks in reservations, per inventory item: the
   * same count the guard's availability makes (unfulfilled quantity × required quantity
   * less the line's reservations), for stock-managed variants only.
   */
  @InjectManager()
  async listUnreservedOrderLines(
    order_id: string,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ line_item_id: string; inventory_item_id: string; sku: string | null; missing: number }[]> {
    const em = sharedContext.manager as SqlManager
    const rows = await em.execute(
      `SELECT li.id AS line_item_id, pvi.inventory_item_id, li.variant_sku AS sku,
              (oi.quantity - oi.fulfilled_quantity) * pvi.required_quantity - COALESCE((
                SELECT SUM(r.quantity) FROM reservation_item r
                 WHERE r.line_item_id = li.id AND r.inventory_item_id = pvi.inventory_item_id
                   AND r.deleted_at IS NULL), 0) AS missing
         FROM "order" o
         JOIN order_item oi ON oi.order_id = o.id AND oi.version = o.version AND oi.deleted_at IS NULL
         JOIN order_line_item li ON li.id = oi.item_id AND li.deleted_at IS NULL
         JOIN product_variant pv ON pv.id = li.variant_id AND pv.manage_inventory = true
         JOIN product_variant_inventory_item pvi ON pvi.variant_id = pv.id AND pvi.deleted_at IS NULL
        WHERE o.id = ? AND o.deleted_at IS NULL AND o.status IN ('pending', 'requires_action')
        ORDER BY li.id, pvi.inventory_item_id`,
      [order_id]
    )
    return rows
      .map((r) => ({ ...r, missing: Number(r.missing) }))
      .filter((r) => r.missing > 0)
  }

  /** Live reservations, stocked and free units per location of the given items. */
  @InjectManager()
  async listLocationStock(
    input: { inventory_item_ids: string[]; location_ids: string[] },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ inventory_item_id: string; location_id: string; free: number }[]> {
    if (!input.inventory_item_ids.length || !input.location_ids.length) {
      return []
    }
    const em = sharedContext.manager as SqlManager
    const rows = await em.execute(
      `SELECT l.inventory_item_id, l.location_id,
              l.stocked_quantity - COALESCE((SELECT SUM(r.quantity) FROM reservation_item r
                WHERE r.inventory_item_id = l.inventory_item_id AND r.location_id = l.location_id
                  AND r.deleted_at IS NULL), 0) AS free
         FROM inventory_level l
        WHERE l.inventory_item_id IN (${placeholders(input.inventory_item_ids.length)})
          AND l.location_id IN (${placeholders(input.location_ids.length)}) AND l.deleted_at IS NULL
        ORDER BY l.location_id`,
      [...input.inventory_item_ids, ...input.location_ids]
    )
    return rows.map((r) => ({ ...r, free: Number(r.free) }))
  }

  /** Stock levels whose cached reserved_quantity differs from their live reservations. */
  @InjectManager()
  async findReservationDrift(
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ inventory_item_id: string; location_id: string; reserved_quantity: number; reservations: number }[]> {
    const em = sharedContext.manager as SqlManager
    const rows = await em.execute(
      `SELECT l.inventory_item_id, l.location_id, l.reserved_quantity::numeric AS reserved_quantity,
              COALESCE(r.sum, 0) AS reservations
         FROM inventory_level l
         LEFT JOIN (SELECT inventory_item_id, location_id, SUM(quantity) AS sum FROM reservation_item
                     WHERE deleted_at IS NULL GROUP BY 1, 2) r
           ON r.inventory_item_id = l.inventory_item_id AND r.location_id = l.location_id
        WHERE l.deleted_at IS NULL AND l.reserved_quantity::numeric <> COALESCE(r.sum, 0)`
    )
    return rows.map((r) => ({ ...r, reserved_quantity: Number(r.reserved_quantity), reservations: Number(r.reservations) }))
  }

  @InjectManager()
  protected async ensureGuards_(itemIds: string[], @MedusaContext() sharedContext: Context = {}) {
    const em = sharedContext.manager as SqlManager
    const sorted = [...new Set(itemIds)].sort()
    const values = sorted.map(() => "(?, ?, now(), now())").join(", ")
    await em.execute(
      `INSERT INTO inventory_dedup_guard (id, inventory_item_id, created_at, updated_at) VALUES ${values}
       ON CONFLICT (inventory_item_id) WHERE deleted_at IS NULL DO NOTHING`,
      sorted.flatMap((id) => [generateEntityId(undefined, "iguard"), id])
    )
  }

  /**
   * stocked − live reservations − what held claims still hold, per inventory item, over the given
   * locations. Reservations are summed from reservation rows rather than read from the
   * cached reserved_quantity, which concurrent writers can leave stale.
   */
  protected async availableUnderLock_(
    em: SqlManager,
    itemIds: string[],
    locationIds: string[]
  ): Promise<Map<string, number>> {
    const available = new Map<string, number>(itemIds.map((id) => [id, 0]))
    if (!itemIds.length || !locationIds.length) {
      return available
    }
    const rows = await em.execute(`SELECT item_id, free FROM inventory_dedup_available(?::text[], ?::text[])`, [textArray(itemIds), textArray(locationIds)])
    for (const row of rows) {
      available.set(row.item_id, Number(row.free))
    }
    return available
  }

  /** `effect` inside the ledger: the first call runs it, every later one gets its result. */
  protected async once_<T>(
    em: SqlManager,
    key: string,
    kind: EffectKind,
    effect: () => Promise<T>
  ): Promise<EffectOutcome<T>> {
    const replay = await this.beginEffect_<T>(em, key, kind)
    if (replay) {
      return replay
    }
    return { result: await this.finishEffect_(em, key, await effect()), replayed: false }
  }

  /**
   * Units counted twice right now, per item: what core already reserved for fresh orders
   * not yet linked to their cart — their cart's held claim still counts those units too,
   * for the instant between core's reservation and the link. Only these can make a
   * shortage disappear by themselves; any other shortage is answered at once, so a buyer
   * turned away is told in one claim transaction, not after a second of retries.
   */
  protected async countedTwice_(em: SqlManager, itemIds: string[]): Promise<Map<string, number>> {
    const rows = await em.execute(
      `SELECT r.inventory_item_id, SUM(r.quantity) AS quantity
         FROM "order" o
         JOIN order_item oi ON oi.order_id = o.id AND oi.version = o.version AND oi.deleted_at IS NULL
         JOIN reservation_item r ON r.line_item_id = oi.item_id AND r.deleted_at IS NULL
        WHERE r.inventory_item_id IN (${placeholders(itemIds.length)})
          AND o.created_at > now() - interval '1 minute' AND o.deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM order_cart oc WHERE oc.order_id = o.id AND oc.deleted_at IS NULL)
        GROUP BY 1`,
      itemIds
    )
    return new Map(rows.map((r) => [r.inventory_item_id as string, Number(r.quantity)]))
  }

  /**
   * Inserts the ledger row, or — if the key exists — waits for its writer to commit and
   * returns the stored result. A concurrent insert of the same key blocks on the unique
   * index until the first transaction ends, so concurrent replays see one winner.
   */
  protected async beginEffect_<T>(
    em: SqlManager,
    key: string,
    kind: EffectKind
  ): Promise<EffectOutcome<T> | null> {
    const inserted = await em.execute(
      `INSERT INTO inventory_dedup_effect (id, key, kind, created_at, updated_at)
       VALUES (?, ?, ?, now(), now())
       ON CONFLICT (key) WHERE deleted_at IS NULL DO NOTHING RETURNING id`,
      [generateEntityId(undefined, "ideff"), key, kind]
    )
    if (inserted.length) {
      return null
    }
    const [row] = await em.execute(
      `SELECT kind, result FROM inventory_dedup_effect WHERE key = ? AND deleted_at IS NULL`,
      [key]
    )
    if (row.kind !== kind) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `Idempotency key ${key} was already used for a ${row.kind} effect`
      )
    }
    return { result: row.result as T, replayed: true }
  }

  protected async finishEffect_<T>(em: SqlManager, key: string, result: T): Promise<T> {
    await em.execute(
      `UPDATE inventory_dedup_effect SET result = ?::jsonb, updated_at = now() WHERE key = ? AND deleted_at IS NULL`,
      [JSON.stringify(result ?? null), key]
    )
    return result
  }
}

export function findShortages(lines: ClaimLineInput[], available: Map<string, number>): Shortage[] {
  return lines
    .filter((l) => (available.get(l.inventory_item_id) ?? 0) < l.quantity)
    .map((l) => ({
      inventory_item_id: l.inventory_item_id,
      sku: l.sku ?? null,
      requested: l.quantity,
      available: Math.max(0, available.get(l.inventory_item_id) ?? 0),
    }))
}

export function describeShortages(shortages: Shortage[]): string {
  const parts = shortages.map(
    (s) =>
      `${s.sku ?? s.inventory_item_id}: ${s.requested} requested, ${s.available} available`
  )
  return `Out of stock — ${parts.join("; ")}`
}
