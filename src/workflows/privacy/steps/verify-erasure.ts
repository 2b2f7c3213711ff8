import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService, phaseDone } from "../../../modules/customer-lifecycle"
import { ErasureSubject, findMentions, findNameMatches, needlesOf, pgOf } from "../personal-data"
import { ErasurePhaseInput } from "./revoke-customer-access"

export const verifyErasureStepId = "verify-erasure-step"

/** The one column verification may find the person in: the request's own search terms. */
const isSearchTerms = (table: string, column: string) => table === "omniflow_privacy_request" && column === "subject"

/**
 * Erasure phase `verify`: an independent check that nothing is left. Every table of the
 * current schema is searched, every text, varchar, json and jsonb column (and text
 * arrays), for the original email and phone (case-insensitive substring), and every table
 * with both a `first_name` and a `last_name` column for rows with the original names. Only
 * the request's own `subject` column is left out. What was searched and what was found is
 * saved on the request; when anything is found the step fails naming the tables and
 * columns (never the values), so the run lands in the inbox and the certificate is not
 * issued. Two people with the same first and last name make the name check report a
 * match: a person looks at it and resolves the run.
 */
export const verifyErasureStep = createStep(
  verifyErasureStepId,
  async ({ request_id }: ErasurePhaseInput, { container }) => {
    const requests: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    const request = await requests.retrievePrivacyRequest(request_id)
    if (phaseDone(request, "verify")) {
      return new StepResponse({ skipped: true, matches: 0 })
    }
    const subject = (request.subject ?? {}) as ErasureSubject
    const pg = pgOf(container)
    const searched = await findMentions(pg, needlesOf(subject), isSearchTerms)
    const names = await findNameMatches(pg, subject)
    const matches = [...searched.mentions, ...names].map(({ table, column, rows }) => ({ table, column, rows }))
    const verification = {
      searched_at: new Date().toISOString(),
      searched_for: [
        ...(needlesOf({ ...subject, phone: null }).length ? ["email"] : []),
        ...(needlesOf({ ...subject, email: null }).length ? ["phone"] : []),
        ...(subject.first_name && subject.last_name ? ["names"] : []),
      ],
      tables_searched: searched.tables.length,
      columns_searched: searched.columns,
      tables: searched.tables,
      matches,
    }
    if (matches.length) {
      await requests.updatePrivacyRequests({ id: request_id, verification })
      throw new MedusaError(
        MedusaError.Types.UNEXPECTED_STATE,
        `Erasure ${request_id} is not complete: personal data is still in ${matches.map((m) => `${m.table}.${m.column} (${m.rows})`).join(", ")}`
      )
    }
    await requests.finishPhase(request_id, "verify", { verification })
    return new StepResponse({ skipped: false, matches: 0 })
  }
)
