import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService, phaseDone } from "../../../modules/customer-lifecycle"
import { ErasureSubject, mentionsSql, needlesOf, personalRecords, pgOf } from "../personal-data"
import { ErasurePhaseInput } from "./revoke-customer-access"

export const assessPersonalDataStepId = "assess-personal-data-step"

/**
 * Erasure phase `assess`: counts, per kind, the personal data about to be erased
 * (addresses, orders and their addresses, carts, payments, fulfilments, notifications,
 * audit entries, finished workflow runs that mention the person) and saves the counts on
 * the request — the certificate's "what was there". Reads only; done once.
 */
export const assessPersonalDataStep = createStep(
  assessPersonalDataStepId,
  async ({ request_id, customer_id }: ErasurePhaseInput, { container }) => {
    const requests: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    const request = await requests.retrievePrivacyRequest(request_id)
    if (phaseDone(request, "assess")) {
      return new StepResponse({ skipped: true })
    }
    const subject = (request.subject ?? null) as ErasureSubject | null
    const records = await personalRecords(container, customer_id, subject)
    const pg = pgOf(container)
    const needles = needlesOf(subject)
    const inDetails = mentionsSql("details", needles)
    const inExecution = mentionsSql("execution", needles)
    const inContext = mentionsSql("context", needles)
    const { rows: audit } = await pg.raw(
      `SELECT count(*) AS n FROM omniflow_audit_entry WHERE target_id = ? OR actor_id = ? OR target_id = ANY(?) OR ${inDetails.sql}`,
      [customer_id, customer_id, records.orders, ...inDetails.bindings]
    )
    const { rows: executions } = await pg.raw(
      `SELECT count(*) AS n FROM workflow_execution WHERE ${inExecution.sql} OR ${inContext.sql}`,
      [...inExecution.bindings, ...inContext.bindings]
    )
    const assessed: Record<string, number> = {
      ...Object.fromEntries(Object.entries(records).map(([kind, list]) => [kind, list.length])),
      audit_entries: Number(audit[0].n),
      workflow_executions: Number(executions[0].n),
    }
    await requests.finishPhase(request_id, "assess", { counts: { assessed } })
    return new StepResponse({ skipped: false, assessed })
  }
)
