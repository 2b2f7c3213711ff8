import { Context } from "@medusajs/framework/types"
import { InjectTransactionManager, MedusaContext, MedusaService } from "@medusajs/framework/utils"
import { AuditEntry, AUDIT_ACTOR_TYPES } from "./models/audit-entry"

type SqlManager = { execute: (sql: string, params?: unknown[]) => Promise<any[]> }

export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number]

export type AuditEntryInput = {
  actor_type: AuditActorType
  actor_id?: string | null
  action: string
  target_type: string
  target_id: string
  details?: Record<string, unknown> | null
}

/**
 * The audit trail. Entries are only ever added; the one change the database lets through is
 * an erasure's anonymisation, which this service makes inside a transaction that says so
 * (`omniflow.audit_anonymise`). Everything else — update, soft delete, delete — is refused
 * by the table's trigger, whoever asks.
 */
export default class AuditModuleService extends MedusaService({ AuditEntry }) {
  /** Appends entries; returns them as stored. */
  async record(entries: AuditEntryInput[], sharedContext: Context = {}) {
    return this.createAuditEntries(entries.map((e) => ({ ...e, details: e.details ?? null })) as any[], sharedContext)
  }

  /**
   * Replaces the details of every entry about `subject_id` or made by it with
   * `{ anonymised: true }`; who did what to which id, and when, stays. Returns how many
   * entries changed.
   */
  @InjectTransactionManager()
  async anonymiseEntries(subject_id: string, @MedusaContext() sharedContext: Context = {}): Promise<number> {
    const em = sharedContext.transactionManager as SqlManager
    await em.execute(`SELECT set_config('omniflow.audit_anonymise', 'on', true)`)
    const rows = await em.execute(
      `UPDATE omniflow_audit_entry SET details = '{"anonymised": true}'::jsonb, anonymised_at = now()
        WHERE (target_id = ? OR actor_id = ?) AND anonymised_at IS NULL RETURNING id`,
      [subject_id, subject_id]
    )
    await em.execute(`SELECT set_config('omniflow.audit_anonymise', 'off', true)`)
    return rows.length
  }
}
