import { Context } from "@medusajs/framework/types"
import {
  generateEntityId,
  InjectManager,
  InjectTransactionManager,
  MedusaContext,
  MedusaError,
  MedusaService,
} from "@medusajs/framework/utils"
import { OWNER_LOCK_NAMESPACE } from "../inventory-dedup/service"
import { Onboarding } from "./models/onboarding"
import { ERASURE_PHASES, PrivacyRequest, PRIVACY_REQUEST_KINDS } from "./models/privacy-request"

type SqlManager = { execute: (sql: string, params?: unknown[]) => Promise<any[]> }

/** An onboarding still `running` this long was cut off (its flow times out after 5 minutes). */
const ONBOARDING_STUCK_MINUTES = 10

/** Whether request `r`'s process still holds its advisory lock, i.e. is alive. */
const OWNER_ALIVE = `EXISTS (
  SELECT 1 FROM pg_locks l
   WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
     AND l.classid::text::bigint = ${OWNER_LOCK_NAMESPACE} AND l.objid::text::bigint = r.run_owner)`

export type ErasurePhase = (typeof ERASURE_PHASES)[number]
export type PrivacyRequestKind = (typeof PRIVACY_REQUEST_KINDS)[number]
export type PhaseRecord = { name: string; finished_at: string; counts?: Record<string, number> }
export type Requester = { type: "customer" | "user"; id: string }

/**
 * Onboardings and privacy requests. The rules that must hold however often an event is
 * delivered or a run is retried live in the table's unique indexes and in conditional
 * updates here: one onboarding per customer, one erasure per customer, a phase recorded
 * once.
 */
export default class CustomerLifecycleModuleService extends MedusaService({ Onboarding, PrivacyRequest }) {
  /**
   * Starts the customer's onboarding, or starts it again after a failure or when the run
   * that had it was cut off (still `running` after ONBOARDING_STUCK_MINUTES, past the
   * flow's timeout). Returns `started: false` (and the row) when it is running or
   * completed — the event delivered twice onboards once.
   */
  @InjectTransactionManager()
  async beginOnboarding(
    customer_id: string,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ started: boolean; onboarding: any }> {
    const em = sharedContext.transactionManager as SqlManager
    const [row] = await em.execute(
      `INSERT INTO omniflow_onboarding (id, customer_id, state, attempts) VALUES (?, ?, 'running', 1)
       ON CONFLICT (customer_id) WHERE deleted_at IS NULL DO UPDATE
         SET state = 'running', attempts = omniflow_onboarding.attempts + 1, error = NULL, updated_at = now()
         WHERE omniflow_onboarding.state = 'failed'
            OR (omniflow_onboarding.state = 'running' AND omniflow_onboarding.updated_at < now() - interval '${ONBOARDING_STUCK_MINUTES} minutes')
       RETURNING *`,
      [generateEntityId(undefined, "onb"), customer_id]
    )
    if (row) {
      return { started: true, onboarding: row }
    }
    const [existing] = await em.execute(`SELECT * FROM omniflow_onboarding WHERE customer_id = ? AND deleted_at IS NULL`, [
      customer_id,
    ])
    return { started: false, onboarding: existing }
  }

  /** Ends a running onboarding as `completed` or `failed` (with the reason). */
  @InjectTransactionManager()
  async endOnboarding(
    customer_id: string,
    outcome: { state: "completed"; group_id: string | null; locale: string | null } | { state: "failed"; error: string },
    @MedusaContext() sharedContext: Context = {}
  ) {
    const em = sharedContext.transactionManager as SqlManager
    const [row] =
      outcome.state === "completed"
        ? await em.execute(
            `UPDATE omniflow_onboarding SET state = 'completed', group_id = ?, locale = ?, error = NULL,
                    completed_at = now(), updated_at = now()
              WHERE customer_id = ? AND state = 'running' AND deleted_at IS NULL RETURNING *`,
            [outcome.group_id, outcome.locale, customer_id]
          )
        : await em.execute(
            `UPDATE omniflow_onboarding SET state = 'failed', error = ?, updated_at = now()
              WHERE customer_id = ? AND state = 'running' AND deleted_at IS NULL RETURNING *`,
            [outcome.error.slice(0, 2000), customer_id]
          )
    return row ?? null
  }

  /**
   * Opens the customer's erasure, or returns the one that exists (`created: false`): a
   * second request changes nothing.
   */
  @InjectTransactionManager()
  async openErasure(
    input: { customer_id: string; requester: Requester; subject: Record<string, unknown> },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ created: boolean; request: any }> {
    const em = sharedContext.transactionManager as SqlManager
    const [row] = await em.execute(
      `INSERT INTO omniflow_privacy_request (id, kind, customer_id, requested_by_type, requested_by_id, state, phases, subject)
       VALUES (?, 'erasure', ?, ?, ?, 'running', '[]'::jsonb, ?::jsonb)
       ON CONFLICT (customer_id) WHERE kind = 'erasure' AND deleted_at IS NULL DO NOTHING
       RETURNING *`,
      [
        generateEntityId(undefined, "preq"),
        input.customer_id,
        input.requester.type,
        input.requester.id,
        JSON.stringify(input.subject),
      ]
    )
    if (row) {
      return { created: true, request: row }
    }
    const [existing] = await em.execute(
      `SELECT * FROM omniflow_privacy_request WHERE customer_id = ? AND kind = 'erasure' AND deleted_at IS NULL`,
      [input.customer_id]
    )
    return { created: false, request: existing }
  }

  /**
   * Marks the request as run by `owner` (this process) from now on — unless another living
   * process runs it: two runs of one erasure never overlap (two instances resuming the
   * same request, a resume racing a slow phase). The row lock makes the check and the
   * claim one step.
   */
  @InjectTransactionManager()
  async claimRequest(id: string, owner: number | null, @MedusaContext() sharedContext: Context = {}) {
    const em = sharedContext.transactionManager as SqlManager
    const [row] = await em.execute(
      `UPDATE omniflow_privacy_request r SET run_owner = ?, state = 'running', error = NULL, updated_at = now()
        WHERE r.id = ? AND r.state <> 'completed' AND r.deleted_at IS NULL
          AND (r.run_owner IS NULL OR r.run_owner IS NOT DISTINCT FROM ? OR NOT ${OWNER_ALIVE})
        RETURNING *`,
      [owner, id, owner]
    )
    if (!row) {
      const [existing] = await em.execute(`SELECT state FROM omniflow_privacy_request WHERE id = ? AND deleted_at IS NULL`, [id])
      throw new MedusaError(
        existing && existing.state !== "completed" ? MedusaError.Types.CONFLICT : MedusaError.Types.NOT_ALLOWED,
        existing && existing.state !== "completed"
          ? `Privacy request ${id} is being run by another process`
          : `Privacy request ${id} is completed or does not exist`
      )
    }
    return row
  }

  /**
   * Records a finished phase (once: a phase already recorded keeps its first time) and
   * merges `patch` into the row. Returns the row.
   */
  @InjectTransactionManager()
  async finishPhase(
    id: string,
    phase: string,
    patch: { counts?: Record<string, unknown>; verification?: unknown; subject?: null; state?: "completed" } = {},
    @MedusaContext() sharedContext: Context = {}
  ) {
    const em = sharedContext.transactionManager as SqlManager
    const [row] = await em.execute(
      `UPDATE omniflow_privacy_request
          SET phases = CASE WHEN phases @> ?::jsonb THEN phases
                            ELSE COALESCE(phases, '[]'::jsonb) || ?::jsonb END,
              counts = CASE WHEN ?::jsonb IS NULL THEN counts ELSE COALESCE(counts, '{}'::jsonb) || ?::jsonb END,
              verification = COALESCE(?::jsonb, verification),
              subject = CASE WHEN ? THEN NULL ELSE subject END,
              state = COALESCE(?, state),
              completed_at = CASE WHEN ? = 'completed' THEN now() ELSE completed_at END,
              updated_at = now()
        WHERE id = ? AND deleted_at IS NULL RETURNING *`,
      [
        JSON.stringify([{ name: phase }]),
        JSON.stringify([{ name: phase, finished_at: new Date().toISOString() }]),
        patch.counts ? JSON.stringify(patch.counts) : null,
        patch.counts ? JSON.stringify(patch.counts) : null,
        patch.verification === undefined ? null : JSON.stringify(patch.verification),
        patch.subject === null,
        patch.state ?? null,
        patch.state ?? null,
        id,
      ]
    )
    return row
  }

  /** Ends a request as failed with its reason (a later run continues it). */
  async failRequest(id: string, error: string, sharedContext: Context = {}) {
    return this.updatePrivacyRequests({ id, state: "failed", error: error.slice(0, 2000), run_owner: null }, sharedContext)
  }

  /**
   * Requests a crash cut off: still running, and their process is gone (its advisory lock
   * is not held) or, with no known process, unchanged since `stale_before`. A request whose
   * process lives is never listed, however long its phase takes.
   */
  @InjectManager()
  async listRequestsToResume(
    input: { stale_before: Date; limit: number },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ id: string; kind: string; customer_id: string }[]> {
    const em = sharedContext.manager as SqlManager
    return em.execute(
      `SELECT r.id, r.kind, r.customer_id FROM omniflow_privacy_request r
        WHERE r.deleted_at IS NULL AND r.state = 'running'
          AND ((r.run_owner IS NULL AND r.updated_at < ?) OR (r.run_owner IS NOT NULL AND NOT ${OWNER_ALIVE}))
        ORDER BY r.updated_at LIMIT ?`,
      [input.stale_before, input.limit]
    )
  }
}

/** Whether the request has finished `phase`. */
export function phaseDone(request: { phases?: unknown } | null | undefined, phase: string): boolean {
  return Array.isArray(request?.phases) && (request!.phases as PhaseRecord[]).some((p) => p.name === phase)
}
