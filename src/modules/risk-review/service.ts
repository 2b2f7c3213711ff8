import { Context } from "@medusajs/framework/types"
import {
  generateEntityId,
  InjectManager,
  InjectTransactionManager,
  MedusaContext,
  MedusaError,
  MedusaService,
} from "@medusajs/framework/utils"
import { OrderFlow, OrderFlowEvent, RiskReview, ORDER_FLOW_STAGES } from "./models"
import { OWNER_LOCK_NAMESPACE } from "../inventory-dedup/service"

type SqlManager = { execute: (sql: string, params?: unknown[]) => Promise<any[]> }

export type OrderFlowStage = (typeof ORDER_FLOW_STAGES)[number]
export type RiskReviewStatus = "pending" | "approved" | "rejected"

/** Columns a stage move may set alongside the stage. */
export type OrderFlowPatch = Partial<{
  risk_score: number | null
  risk_level: string | null
  risk_decision: string | null
  risk_reasons: unknown
  payment_deadline_at: Date | null
  failure_reason: string | null
  shipments: unknown
}>

const JSON_COLUMNS = new Set(["risk_reasons", "shipments"])
const PATCH_COLUMNS = new Set([
  "risk_score",
  "risk_level",
  "risk_decision",
  "risk_reasons",
  "payment_deadline_at",
  "failure_reason",
  "shipments",
])

/** What a waiting order flow waits for. */
export type OrderFlowSignal = "review" | "payment" | "shipping_window"

export type FlowEventInput = { stage: string; status: string; detail?: Record<string, unknown> | null }

export type DecideReviewInput = {
  id: string
  status: "approved" | "rejected"
  decided_by: string
  decision_source: "admin" | "deadline"
  reason?: string | null
  note?: string | null
}

/** Deciding a review someone already decided; carries what it is now. */
export class ReviewAlreadyDecidedError extends MedusaError {
  constructor(public readonly review: { id: string; status: string; decided_at?: Date | null }) {
    super(MedusaError.Types.CONFLICT, `Risk review ${review.id} is already ${review.status}`)
  }
}

export default class RiskReviewModuleService extends MedusaService({
  RiskReview,
  OrderFlow,
  OrderFlowEvent,
}) {
  /**
   * Creates the order's flow row for the run `run_id`, or finds the one a previous delivery
   * of the event created. The unique index on order_id decides between concurrent starters.
   */
  @InjectTransactionManager()
  async startFlow(
    order_id: string,
    run: { run_id: string | null; run_owner?: number | null } = { run_id: null },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ flow: any; created: boolean }> {
    const em = sharedContext.transactionManager as SqlManager
    const inserted = await em.execute(
      `INSERT INTO order_flow (id, order_id, stage, run_id, run_owner, created_at, updated_at)
       VALUES (?, ?, 'assessing', ?, ?, now(), now())
       ON CONFLICT (order_id) WHERE deleted_at IS NULL DO NOTHING RETURNING *`,
      [generateEntityId(undefined, "oflow"), order_id, run.run_id, run.run_owner ?? null]
    )
    if (inserted.length) {
      await this.insertEvent_(em, order_id, { stage: "assessing", status: "started" })
      return { flow: inserted[0], created: true }
    }
    const [flow] = await em.execute(`SELECT * FROM order_flow WHERE order_id = ? AND deleted_at IS NULL`, [order_id])
    return { flow, created: false }
  }

  /**
   * Hands a flow to a new run: only when it is still held by `from_run_id` (the run that
   * was cut off, or null for a flow at rest) and not finished. Two callers taking over the
   * same flow cannot both win. Returns the flow, or null.
   */
  @InjectTransactionManager()
  async takeOverFlow(
    input: { order_id: string; run_id: string; from_run_id: string | null; run_owner?: number | null },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<any | null> {
    const em = sharedContext.transactionManager as SqlManager
    const [flow] = await em.execute(
      `UPDATE order_flow SET run_id = ?, run_owner = ?, waiting_for = NULL, wait_until = NULL, updated_at = now()
        WHERE order_id = ? AND deleted_at IS NULL AND run_id IS NOT DISTINCT FROM ?
          AND stage NOT IN ('fulfilled', 'canceled', 'failed')
        RETURNING *`,
      [input.run_id, input.run_owner ?? null, input.order_id, input.from_run_id]
    )
    if (flow) {
      await this.insertEvent_(em, input.order_id, { stage: flow.stage, status: "resumed", detail: { run_id: input.run_id } })
    }
    return flow ?? null
  }

  /** Records that the flow's run waits (only while `run_id` still holds the flow). */
  @InjectTransactionManager()
  async awaitSignal(
    input: { order_id: string; run_id: string; waiting_for: OrderFlowSignal; wait_until: Date | null },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<boolean> {
    const em = sharedContext.transactionManager as SqlManager
    const rows = await em.execute(
      `UPDATE order_flow SET waiting_for = ?, wait_until = ?, updated_at = now()
        WHERE order_id = ? AND run_id = ? AND deleted_at IS NULL RETURNING id`,
      [input.waiting_for, input.wait_until, input.order_id, input.run_id]
    )
    return rows.length > 0
  }

  /**
   * Claims the wake-up of a waiting flow: only one caller (the decision route, the job,
   * another instance) gets the run id to resume; the others get null.
   */
  @InjectTransactionManager()
  async claimWakeUp(
    input: { order_id: string; waiting_for: OrderFlowSignal; run_owner?: number | null },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ run_id: string | null; stage: OrderFlowStage } | null> {
    const em = sharedContext.transactionManager as SqlManager
    // The resumed run goes on in the caller's process, which becomes its owner.
    const [row] = await em.execute(
      `UPDATE order_flow SET waiting_for = NULL, wait_until = NULL, run_owner = ?, updated_at = now()
        WHERE order_id = ? AND waiting_for = ? AND deleted_at IS NULL RETURNING run_id, stage`,
      [input.run_owner ?? null, input.order_id, input.waiting_for]
    )
    return row ?? null
  }

  /**
   * Flows whose run was cut off: held by a run that neither waits nor has finished, and
   * whose process is gone (its advisory lock is not held) or, for a run without a known
   * process, that has not moved since `stuck_before`. Oldest first.
   */
  @InjectManager()
  async listCutOffFlows(
    input: { stuck_before: Date; limit: number; exclude?: string[]; order_id?: string },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ id: string; order_id: string; run_id: string }[]> {
    const em = sharedContext.manager as SqlManager
    const exclude = input.exclude?.length ? input.exclude : ["-"]
    return em.execute(
      `SELECT f.id, f.order_id, f.run_id FROM order_flow f
        WHERE f.deleted_at IS NULL AND f.run_id IS NOT NULL AND f.waiting_for IS NULL
          AND f.stage NOT IN ('fulfilled', 'canceled', 'failed')
          AND f.id NOT IN (${exclude.map(() => "?").join(", ")})
          ${input.order_id ? "AND f.order_id = ?" : ""}
          AND (f.updated_at < ? OR (f.run_owner IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM pg_locks l
                 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                   AND l.classid::text::bigint = ${OWNER_LOCK_NAMESPACE} AND l.objid::text::bigint = f.run_owner)))
        ORDER BY f.updated_at, f.id LIMIT ?`,
      [...exclude, ...(input.order_id ? [input.order_id] : []), input.stuck_before, input.limit]
    )
  }

  /**
   * Reopens a failed flow where it failed (`resume_stage`), for a retry to continue it in
   * a new run. Returns the reopened flow, or null when the flow is not failed.
   */
  @InjectTransactionManager()
  async reopenFailedFlow(order_id: string, @MedusaContext() sharedContext: Context = {}): Promise<any | null> {
    const em = sharedContext.transactionManager as SqlManager
    const [flow] = await em.execute(
      `UPDATE order_flow SET stage = COALESCE(resume_stage, 'assessing'), resume_stage = NULL, failure_reason = NULL,
              run_id = NULL, run_owner = NULL, waiting_for = NULL, wait_until = NULL, updated_at = now()
        WHERE order_id = ? AND stage = 'failed' AND deleted_at IS NULL RETURNING *`,
      [order_id]
    )
    if (flow) {
      await this.insertEvent_(em, order_id, { stage: "flow", status: "reopened", detail: { stage: flow.stage } })
    }
    return flow ?? null
  }

  /** Ends a run's hold on the flow: the flow is at rest until something starts a new run. */
  @InjectTransactionManager()
  async releaseFlow(input: { order_id: string; run_id: string }, @MedusaContext() sharedContext: Context = {}) {
    const em = sharedContext.transactionManager as SqlManager
    await em.execute(
      `UPDATE order_flow SET run_id = NULL WHERE order_id = ? AND run_id = ? AND waiting_for IS NULL AND deleted_at IS NULL`,
      [input.order_id, input.run_id]
    )
  }

  /**
   * Waiting flows whose wait is over, most overdue first: a decided review, or a payment /
   * shipping window whose time has come by `now`.
   */
  @InjectManager()
  async listFlowsToWake(
    input: { now: Date; limit: number; exclude?: string[] },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ order_id: string; waiting_for: OrderFlowSignal }[]> {
    const em = sharedContext.manager as SqlManager
    const exclude = input.exclude?.length ? input.exclude : ["-"]
    return em.execute(
      `SELECT f.order_id, f.waiting_for FROM order_flow f
         LEFT JOIN risk_review r ON r.order_id = f.order_id AND r.deleted_at IS NULL
        WHERE f.deleted_at IS NULL AND f.waiting_for IS NOT NULL
          AND f.order_id NOT IN (${exclude.map(() => "?").join(", ")})
          AND ((f.waiting_for = 'review' AND r.status IS DISTINCT FROM 'pending')
            OR (f.waiting_for <> 'review' AND f.wait_until <= ?))
        ORDER BY f.wait_until NULLS FIRST, f.id LIMIT ?`,
      [...exclude, input.now, input.limit]
    )
  }

  /**
   * Orders that came from a cart, were placed between `placed_after` and `placed_before`,
   * are still live and have no flow: their `order.placed` was never handled (the process
   * died first). Oldest first. Orders made without a cart (admin, imports) are not "placed"
   * through checkout and get a flow only from their own `order.placed`.
   */
  @InjectManager()
  async listOrdersWithoutFlow(
    input: { placed_after: Date; placed_before: Date; limit: number },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<string[]> {
    const em = sharedContext.manager as SqlManager
    const rows = await em.execute(
      `SELECT o.id FROM "order" o
        WHERE o.created_at > ? AND o.created_at < ? AND o.deleted_at IS NULL
          AND o.is_draft_order = false AND o.status IN ('pending', 'requires_action')
          AND EXISTS (SELECT 1 FROM order_cart oc WHERE oc.order_id = o.id AND oc.deleted_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM order_flow f WHERE f.order_id = o.id AND f.deleted_at IS NULL)
        ORDER BY o.created_at LIMIT ?`,
      [input.placed_after, input.placed_before, input.limit]
    )
    return rows.map((r) => r.id as string)
  }

  /**
   * Customer notifications whose last attempt failed and that have not been sent since,
   * with what is needed to send them again (template, data) and how often they were tried.
   */
  @InjectManager()
  async listFailedNotifications(
    input: { max_attempts: number; limit: number },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ order_id: string; template: string; data: Record<string, unknown>; attempts: number }[]> {
    const em = sharedContext.manager as SqlManager
    const rows = await em.execute(
      `SELECT e.order_id, e.detail->>'template' AS template, (array_agg(e.detail->'data' ORDER BY e.created_at DESC))[1] AS data,
              COUNT(*) AS attempts
         FROM order_flow_event e
        WHERE e.stage = 'notification' AND e.status = 'failed' AND e.deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM order_flow_event s
                           WHERE s.order_id = e.order_id AND s.stage = 'notification' AND s.status = 'sent'
                             AND s.detail->>'template' = e.detail->>'template' AND s.deleted_at IS NULL)
        GROUP BY 1, 2 HAVING COUNT(*) < ? ORDER BY MIN(e.created_at) LIMIT ?`,
      [input.max_attempts, input.limit]
    )
    return rows.map((r) => ({ ...r, data: r.data ?? {}, attempts: Number(r.attempts) }))
  }

  /** Whether an enabled Notification-module provider serves `channel`. */
  @InjectManager()
  async notificationChannelServed(channel: string, @MedusaContext() sharedContext: Context = {}): Promise<boolean> {
    const em = sharedContext.manager as SqlManager
    const [row] = await em.execute(
      `SELECT 1 AS ok FROM notification_provider WHERE is_enabled = true AND ? = ANY(channels) AND deleted_at IS NULL LIMIT 1`,
      [channel]
    )
    return !!row
  }

  /**
   * Fulfilments of the order's lines that core never registered on the order: a
   * `createOrderFulfillmentWorkflow` cut off by a crash after the fulfilment module created
   * the fulfilment. For each line, `reserved` is what the line still has reserved at the
   * fulfilment's location — less than the fulfilment's quantity means core already counted
   * the stock down and updated the reservation (those steps run in that order).
   */
  @InjectManager()
  async listUnregisteredFulfillments(
    order_id: string,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ fulfillment_id: string; location_id: string; items: { line_item_id: string; quantity: number; reserved: number }[] }[]> {
    const em = sharedContext.manager as SqlManager
    const rows = await em.execute(
      `SELECT f.id AS fulfillment_id, f.location_id, fi.line_item_id, fi.quantity,
              COALESCE((SELECT SUM(r.quantity) FROM reservation_item r
                         WHERE r.line_item_id = fi.line_item_id AND r.location_id = f.location_id
                           AND r.deleted_at IS NULL), 0) AS reserved
         FROM fulfillment f
         JOIN fulfillment_item fi ON fi.fulfillment_id = f.id AND fi.deleted_at IS NULL
        WHERE f.canceled_at IS NULL AND f.deleted_at IS NULL
          AND fi.line_item_id IN (SELECT oi.item_id FROM order_item oi JOIN "order" o ON o.id = oi.order_id AND o.version = oi.version
                                   WHERE o.id = ? AND oi.deleted_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM order_change_action a
                           WHERE a.reference = 'fulfillment' AND a.reference_id = f.id AND a.deleted_at IS NULL)
        ORDER BY f.created_at, fi.line_item_id`,
      [order_id]
    )
    type CutOff = { fulfillment_id: string; location_id: string; items: { line_item_id: string; quantity: number; reserved: number }[] }
    const byFulfillment = new Map<string, CutOff>()
    for (const r of rows) {
      const f: CutOff = byFulfillment.get(r.fulfillment_id) ?? { fulfillment_id: r.fulfillment_id, location_id: r.location_id, items: [] }
      f.items.push({ line_item_id: r.line_item_id, quantity: Number(r.quantity), reserved: Number(r.reserved) })
      byFulfillment.set(r.fulfillment_id, f)
    }
    return [...byFulfillment.values()]
  }

  /**
   * Reservations still held for order lines core already fulfilled in full: a fulfilment
   * cut off between registering on the order and taking its reservations down.
   */
  @InjectManager()
  async listReservationsOfFulfilledLines(order_id: string, @MedusaContext() sharedContext: Context = {}): Promise<string[]> {
    const em = sharedContext.manager as SqlManager
    const rows = await em.execute(
      `SELECT r.id FROM reservation_item r
         JOIN order_item oi ON oi.item_id = r.line_item_id AND oi.deleted_at IS NULL
         JOIN "order" o ON o.id = oi.order_id AND o.version = oi.version
        WHERE o.id = ? AND r.deleted_at IS NULL AND oi.fulfilled_quantity >= oi.quantity`,
      [order_id]
    )
    return rows.map((r) => r.id as string)
  }

  /**
   * Undoes `startFlow` after a run failed and rolled back. A flow that never got past its
   * assessment is deleted with its timeline, so the sweeper starts it afresh; one that had
   * gone further (reviewed, paid, shipping) is never assessed or held again: it is marked
   * `failed` with the reason and keeps its timeline.
   */
  @InjectTransactionManager()
  async discardFlow(order_id: string, reason: string | null = null, @MedusaContext() sharedContext: Context = {}) {
    const em = sharedContext.transactionManager as SqlManager
    const discarded = await em.execute(
      `DELETE FROM order_flow f WHERE f.order_id = ? AND f.stage = 'assessing'
          AND NOT EXISTS (SELECT 1 FROM order_flow_event e WHERE e.order_id = f.order_id
                           AND e.stage NOT IN ('assessing', 'risk_assessment'))
        RETURNING id`,
      [order_id]
    )
    if (discarded.length) {
      await em.execute(`DELETE FROM order_flow_event WHERE order_id = ?`, [order_id])
      return
    }
    const failed = await em.execute(
      `UPDATE order_flow SET stage = 'failed', resume_stage = stage, failure_reason = ?, run_id = NULL, waiting_for = NULL,
              wait_until = NULL, updated_at = now()
        WHERE order_id = ? AND deleted_at IS NULL AND stage NOT IN ('fulfilled', 'canceled', 'failed')
        RETURNING stage`,
      [reason ?? "the order flow's run failed and was rolled back", order_id]
    )
    if (failed.length) {
      await this.insertEvent_(em, order_id, { stage: "flow", status: "failed", detail: { reason } })
    }
  }

  /**
   * Moves the flow from one of `from` to `to` and records it on the timeline, in one
   * transaction. Returns null (and changes nothing) when the flow is not in `from`:
   * someone else took this step already.
   */
  @InjectTransactionManager()
  async moveStage(
    input: {
      order_id: string
      from: OrderFlowStage[]
      to: OrderFlowStage
      patch?: OrderFlowPatch
      event?: FlowEventInput | null
    },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<any | null> {
    const em = sharedContext.transactionManager as SqlManager
    // Locked first, so the stage read here is the one the update replaces.
    const [current] = await em.execute(
      `SELECT stage FROM order_flow WHERE order_id = ? AND deleted_at IS NULL FOR UPDATE`,
      [input.order_id]
    )
    if (!current || !input.from.includes(current.stage)) {
      return null
    }
    // Any move ends a wait: the run that waited is the one moving on.
    const sets = ["stage = ?", "updated_at = now()", "waiting_for = NULL", "wait_until = NULL"]
    const params: unknown[] = [input.to]
    if (input.to === "failed") {
      // Where a retry continues it.
      sets.push("resume_stage = ?")
      params.push(current.stage)
    }
    for (const [key, value] of Object.entries(input.patch ?? {})) {
      if (!PATCH_COLUMNS.has(key)) {
        throw new MedusaError(MedusaError.Types.INVALID_DATA, `order_flow.${key} cannot be patched`)
      }
      if (JSON_COLUMNS.has(key)) {
        sets.push(`${key} = ?::jsonb`)
        params.push(value == null ? null : JSON.stringify(value))
      } else {
        sets.push(`${key} = ?`)
        params.push(value ?? null)
      }
    }
    const rows = await em.execute(
      `UPDATE order_flow SET ${sets.join(", ")}
        WHERE order_id = ? AND deleted_at IS NULL AND stage IN (${input.from.map(() => "?").join(", ")})
        RETURNING *`,
      [...params, input.order_id, ...input.from]
    )
    if (!rows.length) {
      return null
    }
    if (input.event !== null) {
      await this.insertEvent_(em, input.order_id, input.event ?? { stage: input.to, status: "entered" })
    }
    return { ...rows[0], previous_stage: current.stage as OrderFlowStage }
  }

  @InjectTransactionManager()
  async recordEvent(
    order_id: string,
    event: FlowEventInput,
    @MedusaContext() sharedContext: Context = {}
  ) {
    await this.insertEvent_(sharedContext.transactionManager as SqlManager, order_id, event)
  }

  /**
   * pending → approved | rejected, once. A second decision (a double click, the deadline
   * job racing an admin) gets ReviewAlreadyDecidedError with the status that won.
   */
  @InjectTransactionManager()
  async decideReview(input: DecideReviewInput, @MedusaContext() sharedContext: Context = {}) {
    const em = sharedContext.transactionManager as SqlManager
    const rows = await em.execute(
      `UPDATE risk_review
          SET status = ?, decided_by = ?, decided_at = now(), decision_source = ?, reason = ?, note = ?, updated_at = now()
        WHERE id = ? AND status = 'pending' AND deleted_at IS NULL
        RETURNING *`,
      [input.status, input.decided_by, input.decision_source, input.reason ?? null, input.note ?? null, input.id]
    )
    if (rows.length) {
      return rows[0]
    }
    const [current] = await em.execute(`SELECT id, status, decided_at FROM risk_review WHERE id = ? AND deleted_at IS NULL`, [
      input.id,
    ])
    if (!current) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Risk review ${input.id} was not found`)
    }
    throw new ReviewAlreadyDecidedError(current)
  }

  /** Undoes `decideReview` when the rest of the decision could not be carried out. */
  @InjectTransactionManager()
  async reopenReview(id: string, @MedusaContext() sharedContext: Context = {}) {
    const em = sharedContext.transactionManager as SqlManager
    await em.execute(
      `UPDATE risk_review SET status = 'pending', decided_by = NULL, decided_at = NULL, decision_source = NULL,
              reason = NULL, note = NULL, updated_at = now()
        WHERE id = ? AND deleted_at IS NULL`,
      [id]
    )
  }

  protected async insertEvent_(em: SqlManager, order_id: string, event: FlowEventInput) {
    // clock_timestamp(), not now(): events written in one transaction must still sort.
    await em.execute(
      `INSERT INTO order_flow_event (id, order_id, stage, status, detail, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?::jsonb, clock_timestamp(), clock_timestamp())`,
      [
        generateEntityId(undefined, "ofev"),
        order_id,
        event.stage,
        event.status,
        event.detail == null ? null : JSON.stringify(event.detail),
      ]
    )
  }
}
