import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { AUDIT_MODULE, AuditEntryInput, AuditModuleService } from "../../../modules/audit"

export type RecordAuditEntriesStepInput = {
  entries: AuditEntryInput[]
  /**
   * The action recorded for each entry if the run is later compensated (`<action>` →
   * `<action>:reverted` when unset): the trail is append-only, so an undone change is a
   * further entry, never a deleted one.
   */
  reverted_action?: string
}

export const recordAuditEntriesStepId = "record-audit-entries-step"

/** Appends entries to the audit trail; compensation appends their reversal. */
export const recordAuditEntriesStep = createStep(
  recordAuditEntriesStepId,
  async (input: RecordAuditEntriesStepInput, { container }) => {
    const audit: AuditModuleService = container.resolve(AUDIT_MODULE)
    const entries = input.entries.length ? await audit.record(input.entries) : []
    return new StepResponse(
      entries.map((e: any) => e.id as string),
      input.entries.length ? input : undefined
    )
  },
  async (input, { container }) => {
    if (!input) {
      return
    }
    const audit: AuditModuleService = container.resolve(AUDIT_MODULE)
    await audit.record(
      input.entries.map((e) => ({
        ...e,
        action: input.reverted_action ?? `${e.action}:reverted`,
        details: { reverted: e.action },
      }))
    )
  }
)
