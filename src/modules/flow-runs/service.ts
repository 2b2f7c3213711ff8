import { Context } from "@medusajs/framework/types"
import {
  generateEntityId,
  InjectManager,
  InjectTransactionManager,
  MedusaContext,
  MedusaError,
  MedusaService,
} from "@medusajs/framework/utils"
import { FlowRun, FLOW_RUN_STATES } from "./models/flow-run"

type SqlManager = { execute: (sql: string, params?: unknown[]) => Promise<any[]> }

export type FlowRunState = (typeof FLOW_RUN_STATES)[number]

export type RunStep = { name: string; state: string; attempts: number; duration_ms: number | null; error: string | null }

export type RunOrigin = {
  trigger: string
  trigger_name?: string | null
  actor_type?: string | null
  actor_id?: string | null
  subject_type?: string | null
  subject_id?: string | null
  input?: unknown
  retry_of?: string | null
}

export type RunMetrics = {
  window: { from: string; to: string }
  flows: {
    workflow_id: string
    runs: number
    by_state: Partial<Record<FlowRunState, number>>
    duration_ms: { p50: number | null; p95: number | null }
    steps: { name: string; runs: number; succeeded: number; success_rate: number }[]
  }[]
  inbox: { open: number }
  /** Runs that started in each bucket of the window, oldest first, and how many of them did not succeed. */
  series: { from: string; runs: number; failed: number }[]
}

/** Run states that count as a failure in the series: the run did not do its work. */
const FAILED_STATES: FlowRunState[] = ["failed", "compensated", "timed_out", "held"]

/** A run a caller cannot act on in its current state (retry of a run that did not fail, a second resolve). */
export class RunConflictError extends MedusaError {
  constructor(message: string) {
    super(MedusaError.Types.CONFLICT, message)
  }
}

const FINAL_STATES: FlowRunState[] = ["succeeded", "failed", "compensated", "timed_out"]

/**
 * The run registry and the failed-run inbox. Writes are single upserts keyed by
 * (workflow id, transaction id), so events that arrive twice or out of order (a resume
 * after a restart, two instances) leave one row that ends in the final state. Each is
 * atomic on its own, so none is wrapped in a transaction: a recorded run pays one round
 * trip per write, not three.
 */
export default class FlowRunsModuleService extends MedusaService({ FlowRun }) {
  /** A run began (or resumed): running, with where it came from when that is known. */
  @InjectManager()
  async recordStart(
    input: { workflow_id: string; transaction_id: string; at: Date; origin?: RunOrigin | null },
    @MedusaContext() sharedContext: Context = {}
  ) {
    const em = sharedContext.manager as SqlManager
    const o = input.origin
    await em.execute(
      `INSERT INTO flow_run (id, workflow_id, transaction_id, trigger, trigger_name, actor_type, actor_id, subject_type,
                             subject_id, input, retry_of, state, started_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, 'running', ?, now(), now())
       ON CONFLICT (workflow_id, transaction_id) WHERE deleted_at IS NULL DO UPDATE
          SET state = CASE WHEN flow_run.state IN ('succeeded', 'failed', 'compensated', 'timed_out')
                           THEN flow_run.state ELSE 'running' END,
              updated_at = now()`,
      [
        generateEntityId(undefined, "frun"),
        input.workflow_id,
        input.transaction_id,
        o?.trigger ?? "system",
        o?.trigger_name ?? null,
        o?.actor_type ?? null,
        o?.actor_id ?? null,
        o?.subject_type ?? null,
        o?.subject_id ?? null,
        o?.input === undefined ? null : JSON.stringify(o.input),
        o?.retry_of ?? null,
        input.at,
      ]
    )
  }

  /**
   * A run waits (a long-running step), is held at a failed step, or ended. Ending computes
   * the duration and, for a failed, compensated or timed-out run whose flow sends failures
   * to the inbox, opens its inbox item; a hold always opens it (again, after a retry that
   * failed once more), since nothing else would continue the run. A run already ended
   * keeps its first ending. Steps reported again replace their earlier record by name, so
   * a run continued in another process keeps the steps it ran before.
   */
  @InjectManager()
  async recordState(
    input: {
      workflow_id: string
      transaction_id: string
      state: FlowRunState
      at: Date
      steps?: RunStep[]
      error?: string | null
      failed_step?: string | null
      to_inbox?: boolean
    },
    @MedusaContext() sharedContext: Context = {}
  ) {
    const em = sharedContext.manager as SqlManager
    const final = FINAL_STATES.includes(input.state)
    await em.execute(
      `INSERT INTO flow_run (id, workflow_id, transaction_id, trigger, state, started_at, ended_at, duration_ms, steps,
                             error, failed_step, inbox, created_at, updated_at)
       VALUES (?, ?, ?, 'system', ?, ?, ?, ?, ?::jsonb, ?, ?, ?, now(), now())
       ON CONFLICT (workflow_id, transaction_id) WHERE deleted_at IS NULL DO UPDATE
          SET state = EXCLUDED.state,
              ended_at = EXCLUDED.ended_at,
              duration_ms = CASE WHEN EXCLUDED.ended_at IS NULL THEN NULL
                                 ELSE (EXTRACT(EPOCH FROM (EXCLUDED.ended_at - flow_run.started_at)) * 1000)::int END,
              steps = CASE WHEN EXCLUDED.steps IS NULL OR flow_run.steps IS NULL THEN COALESCE(EXCLUDED.steps, flow_run.steps)
                           ELSE (SELECT jsonb_agg(s ORDER BY o) FROM (
                                   SELECT s, o FROM jsonb_array_elements(flow_run.steps) WITH ORDINALITY AS old(s, o)
                                    WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(EXCLUDED.steps) n WHERE n->>'name' = s->>'name')
                                   UNION ALL
                                   SELECT s, 1000000 + o FROM jsonb_array_elements(EXCLUDED.steps) WITH ORDINALITY AS new(s, o)) merged)
                      END,
              error = CASE WHEN EXCLUDED.state = 'held' THEN EXCLUDED.error ELSE COALESCE(EXCLUDED.error, flow_run.error) END,
              failed_step = CASE WHEN EXCLUDED.state = 'held' THEN EXCLUDED.failed_step
                                 ELSE COALESCE(EXCLUDED.failed_step, flow_run.failed_step) END,
              inbox = CASE WHEN EXCLUDED.state = 'held' THEN 'open' ELSE COALESCE(flow_run.inbox, EXCLUDED.inbox) END,
              updated_at = now()
        WHERE flow_run.state NOT IN ('succeeded', 'failed', 'compensated', 'timed_out')`,
      [
        generateEntityId(undefined, "frun"),
        input.workflow_id,
        input.transaction_id,
        input.state,
        input.at,
        final ? input.at : null,
        final ? 0 : null,
        input.steps ? JSON.stringify(input.steps) : null,
        input.error ?? null,
        input.failed_step ?? null,
        (final && input.state !== "succeeded" && input.to_inbox) || input.state === "held" ? "open" : null,
      ]
    )
  }

  /** Runs still running or waiting that started before `before`, oldest first. */
  @InjectManager()
  async listUnfinishedRuns(
    input: { workflow_id: string; states: FlowRunState[]; before: Date; limit: number },
    @MedusaContext() sharedContext: Context = {}
  ) {
    const em = sharedContext.manager as SqlManager
    return em.execute(
      `SELECT * FROM flow_run WHERE workflow_id = ? AND state IN (${input.states.map(() => "?").join(", ")})
          AND updated_at < ? AND deleted_at IS NULL ORDER BY updated_at LIMIT ?`,
      [input.workflow_id, ...input.states, input.before, input.limit]
    )
  }

  /** Claims an open inbox item for a retry (once), linking the new run when it is known. */
  @InjectTransactionManager()
  async claimRetry(id: string, @MedusaContext() sharedContext: Context = {}) {
    const em = sharedContext.transactionManager as SqlManager
    const [row] = await em.execute(
      `UPDATE flow_run SET inbox = 'retried', updated_at = now() WHERE id = ? AND inbox = 'open' AND deleted_at IS NULL RETURNING *`,
      [id]
    )
    if (!row) {
      throw new RunConflictError(await this.conflictMessage_(em, id, "retried"))
    }
    return row
  }

  /** Undoes `claimRetry` when the new run could not be started. */
  @InjectTransactionManager()
  async reopenInbox(id: string, @MedusaContext() sharedContext: Context = {}) {
    const em = sharedContext.transactionManager as SqlManager
    await em.execute(`UPDATE flow_run SET inbox = 'open', retried_as = NULL, updated_at = now() WHERE id = ? AND inbox = 'retried'`, [id])
  }

  @InjectTransactionManager()
  async linkRetry(input: { id: string; retried_as: string }, @MedusaContext() sharedContext: Context = {}) {
    const em = sharedContext.transactionManager as SqlManager
    await em.execute(`UPDATE flow_run SET retried_as = ?, updated_at = now() WHERE id = ?`, [input.retried_as, input.id])
  }

  /** Closes an open inbox item with a note (who, when, why), once. */
  @InjectTransactionManager()
  async resolve(input: { id: string; by: string; note: string }, @MedusaContext() sharedContext: Context = {}) {
    const em = sharedContext.transactionManager as SqlManager
    const [row] = await em.execute(
      `UPDATE flow_run SET inbox = 'resolved', resolved_by = ?, resolved_at = now(), resolution_note = ?, updated_at = now()
        WHERE id = ? AND inbox = 'open' AND deleted_at IS NULL RETURNING *`,
      [input.by, input.note, input.id]
    )
    if (!row) {
      throw new RunConflictError(await this.conflictMessage_(em, input.id, "resolved"))
    }
    return row
  }

  /** Deletes runs that ended before `before` (retention); open inbox items are kept. */
  @InjectTransactionManager()
  async prune(before: Date, @MedusaContext() sharedContext: Context = {}): Promise<number> {
    const em = sharedContext.transactionManager as SqlManager
    const rows = await em.execute(
      `DELETE FROM flow_run WHERE started_at < ? AND state NOT IN ('running', 'waiting')
          AND (inbox IS NULL OR inbox <> 'open') RETURNING id`,
      [before]
    )
    return rows.length
  }

  /** Runs per flow by state, p50/p95 duration of ended runs, step success rates, open inbox. */
  @InjectManager()
  async metrics(input: { from: Date; to: Date; bucketMs: number }, @MedusaContext() sharedContext: Context = {}): Promise<RunMetrics> {
    const em = sharedContext.manager as SqlManager
    const params = [input.from, input.to]
    const [byState, durations, steps, inbox, buckets] = await Promise.all([
      em.execute(
        `SELECT workflow_id, state, count(*)::int AS n FROM flow_run
          WHERE started_at >= ? AND started_at < ? AND deleted_at IS NULL GROUP BY workflow_id, state`,
        params
      ),
      em.execute(
        `SELECT workflow_id,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
           FROM flow_run WHERE started_at >= ? AND started_at < ? AND duration_ms IS NOT NULL AND deleted_at IS NULL
          GROUP BY workflow_id`,
        params
      ),
      em.execute(
        `SELECT r.workflow_id, s->>'name' AS name, count(*)::int AS runs,
                count(*) FILTER (WHERE s->>'state' IN ('done', 'skipped'))::int AS succeeded
           FROM flow_run r, jsonb_array_elements(COALESCE(r.steps, '[]'::jsonb)) s
          WHERE r.started_at >= ? AND r.started_at < ? AND r.deleted_at IS NULL
          GROUP BY r.workflow_id, s->>'name' ORDER BY r.workflow_id, s->>'name'`,
        params
      ),
      em.execute(`SELECT count(*)::int AS n FROM flow_run WHERE inbox = 'open' AND deleted_at IS NULL`),
      em.execute(
        `SELECT floor(EXTRACT(EPOCH FROM (started_at - ?::timestamptz)) * 1000 / ?)::int AS bucket, count(*)::int AS runs,
                count(*) FILTER (WHERE state IN (${FAILED_STATES.map(() => "?").join(", ")}))::int AS failed
           FROM flow_run WHERE started_at >= ? AND started_at < ? AND deleted_at IS NULL GROUP BY 1`,
        [input.from, input.bucketMs, ...FAILED_STATES, ...params]
      ),
    ])
    const flows = new Map<string, RunMetrics["flows"][number]>()
    const flow = (workflow_id: string) => {
      if (!flows.has(workflow_id)) {
        flows.set(workflow_id, { workflow_id, runs: 0, by_state: {}, duration_ms: { p50: null, p95: null }, steps: [] })
      }
      return flows.get(workflow_id)!
    }
    for (const r of byState) {
      const f = flow(r.workflow_id)
      f.by_state[r.state as FlowRunState] = r.n
      f.runs += r.n
    }
    for (const r of durations) {
      flow(r.workflow_id).duration_ms = { p50: round(r.p50), p95: round(r.p95) }
    }
    for (const r of steps) {
      flow(r.workflow_id).steps.push({
        name: r.name,
        runs: r.runs,
        succeeded: r.succeeded,
        success_rate: r.runs ? Math.round((r.succeeded / r.runs) * 1000) / 1000 : 0,
      })
    }
    return {
      window: { from: input.from.toISOString(), to: input.to.toISOString() },
      flows: [...flows.values()].sort((a, b) => a.workflow_id.localeCompare(b.workflow_id)),
      inbox: { open: inbox[0]?.n ?? 0 },
      series: Array.from({ length: Math.ceil((input.to.getTime() - input.from.getTime()) / input.bucketMs) }, (_, i) => {
        const row = buckets.find((b: { bucket: number }) => b.bucket === i)
        return { from: new Date(input.from.getTime() + i * input.bucketMs).toISOString(), runs: row?.runs ?? 0, failed: row?.failed ?? 0 }
      }),
    }
  }

  protected async conflictMessage_(em: SqlManager, id: string, verb: string) {
    const [row] = await em.execute(`SELECT id, state, inbox FROM flow_run WHERE id = ? AND deleted_at IS NULL`, [id])
    if (!row) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Flow run ${id} was not found`)
    }
    return row.inbox
      ? `Flow run ${id} is already ${row.inbox}; it cannot be ${verb}`
      : `Flow run ${id} is ${row.state} and not in the inbox; only failed, compensated, timed-out or held runs can be ${verb}`
  }
}

const round = (v: unknown) => (v == null ? null : Math.round(Number(v)))
