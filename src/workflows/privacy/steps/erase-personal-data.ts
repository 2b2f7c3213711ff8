import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { deleteCustomersWorkflow } from "@medusajs/medusa/core-flows"
import { AUDIT_MODULE, AuditModuleService } from "../../../modules/audit"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService, phaseDone } from "../../../modules/customer-lifecycle"
import {
  ADDRESS_FIELDS,
  anonymisedEmail,
  ErasureSubject,
  findMentions,
  mentionsSql,
  needlesOf,
  personalRecords,
  pgOf,
  quoteIdent,
  scrubRows,
} from "../personal-data"
import { ErasurePhaseInput } from "./revoke-customer-access"

export const erasePersonalDataStepId = "erase-personal-data-step"

/**
 * Tables the final sweep leaves alone: the privacy requests (their `subject` is what
 * verification searches for until the certificate clears it), the audit trail (changed
 * only through its anonymisation), workflow executions (finished ones are deleted
 * instead; a running one belongs to its run), admin users, invites and the auth tables
 * (revoke removed the customer's logins; what is left there belongs to an admin user, which
 * verification then reports for a person to decide), and migration bookkeeping.
 */
const SWEEP_EXCLUDED = new Set([
  "omniflow_privacy_request",
  "omniflow_audit_entry",
  "workflow_execution",
  "user",
  "invite",
  "auth_identity",
  "provider_identity",
  "mikro_orm_migrations",
  "script_migrations",
  "link_module_migrations",
])

const blankAddress = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, null])) as Record<(typeof ADDRESS_FIELDS)[number], null>

/**
 * Erasure phase `erase`. Personal fields are blanked where they are, while the records
 * that books and taxes need stay with their amounts, items, tax lines and country:
 * - the customer (email replaced by an address at `.invalid`, names, phone, company,
 *   metadata cleared) and their saved addresses (deleted);
 * - their orders (email) and order addresses, through the Order module's own update
 *   (core's updateOrderWorkflow would copy the old values into the order's change log);
 * - their carts and cart addresses; payment sessions, payments and account holders (the
 *   provider data); fulfilments and their delivery addresses (raw SQL: the Fulfillment
 *   module has no public update for addresses); notifications; OmniFlow's risk reviews
 *   and order timelines;
 * - finished workflow executions that mention them (core's stored runs, such as cart
 *   completion, keep the email in their context) are deleted; runs still going keep
 *   their context with the email anonymised;
 * - audit entries about them, or mentioning them, are anonymised (the trail's one
 *   permitted change); the files of their data exports are deleted;
 * - then every other text or JSON value in the schema that still contains the email or
 *   phone is scrubbed, and the customer is deleted through core's deleteCustomersWorkflow.
 * Every part can run again: a run cut off midway is continued by the next one, which finds
 * the same records through the request's saved subject. Erased data cannot come back, so
 * there is no compensation.
 */
export const erasePersonalDataStep = createStep(
  erasePersonalDataStepId,
  async ({ request_id, customer_id }: ErasurePhaseInput, { container }) => {
    const requests: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    const request = await requests.retrievePrivacyRequest(request_id)
    if (phaseDone(request, "erase")) {
      return new StepResponse({ skipped: true })
    }
    const subject = (request.subject ?? null) as ErasureSubject | null
    const needles = needlesOf(subject)
    const anon = anonymisedEmail(customer_id)
    const records = await personalRecords(container, customer_id, subject)
    const pg = pgOf(container)
    const erased: Record<string, number> = {}

    // The customer and their saved addresses.
    const customerModule = container.resolve(Modules.CUSTOMER)
    const [customer] = await customerModule.listCustomers({ id: customer_id }, { withDeleted: true } as any)
    const personalFields = { email: anon, first_name: null, last_name: null, phone: null, company_name: null, metadata: null }
    if (customer && !customer.deleted_at) {
      await customerModule.updateCustomers(customer_id, personalFields as any)
    } else if (customer) {
      await pg.raw(
        `UPDATE customer SET email = ?, first_name = NULL, last_name = NULL, phone = NULL, company_name = NULL, metadata = NULL WHERE id = ?`,
        [anon, customer_id]
      )
    }
    erased.customers = customer ? 1 : 0
    if (records.customer_addresses.length) {
      await customerModule.deleteCustomerAddresses(records.customer_addresses)
    }
    erased.addresses = records.customer_addresses.length

    // Orders and carts: the email and the addresses; amounts, items and tax lines stay.
    const orderModule = container.resolve(Modules.ORDER)
    if (records.orders.length) {
      await orderModule.updateOrders(records.orders.map((id) => ({ id, email: anon })))
    }
    if (records.order_addresses.length) {
      await orderModule.updateOrderAddresses(records.order_addresses.map((id) => ({ id, ...blankAddress })) as any)
    }
    erased.orders = records.orders.length
    erased.order_addresses = records.order_addresses.length
    const cartModule = container.resolve(Modules.CART)
    if (records.carts.length) {
      await cartModule.updateCarts(records.carts.map((id) => ({ id, email: anon })) as any)
    }
    if (records.cart_addresses.length) {
      await cartModule.updateAddresses(records.cart_addresses.map((id) => ({ id, ...blankAddress })) as any)
    }
    erased.carts = records.carts.length
    erased.cart_addresses = records.cart_addresses.length

    if (records.fulfillment_addresses.length) {
      await pg.raw(
        `UPDATE fulfillment_address SET ${ADDRESS_FIELDS.map((f) => `${quoteIdent(f)} = NULL`).join(", ")}, metadata = NULL WHERE id = ANY(?)`,
        [records.fulfillment_addresses]
      )
    }
    erased.fulfillment_addresses = records.fulfillment_addresses.length

    // JSON and text that belongs to the person as a whole: personal keys nulled, the email
    // and phone replaced wherever they occur.
    const owned: { table: string; columns: Record<string, string>; key: string; ids: string[] }[] = [
      { table: "order_change_action", columns: { details: "jsonb" }, key: "order_id", ids: records.orders },
      { table: "order", columns: { metadata: "jsonb" }, key: "id", ids: records.orders },
      { table: "cart", columns: { metadata: "jsonb" }, key: "id", ids: records.carts },
      { table: "payment_session", columns: { data: "jsonb", context: "jsonb" }, key: "id", ids: records.payment_sessions },
      { table: "payment", columns: { data: "jsonb" }, key: "id", ids: records.payments },
      { table: "account_holder", columns: { data: "jsonb" }, key: "id", ids: records.account_holders },
      { table: "fulfillment", columns: { data: "jsonb", metadata: "jsonb" }, key: "id", ids: records.fulfillments },
      { table: "notification", columns: { to: "text", data: "jsonb" }, key: "id", ids: records.notifications },
      { table: "risk_review", columns: { order_summary: "jsonb", reasons: "jsonb" }, key: "order_id", ids: records.orders },
      { table: "order_flow_event", columns: { detail: "jsonb" }, key: "order_id", ids: records.orders },
    ]
    let scrubbed = 0
    for (const o of owned) {
      if (!o.ids.length) continue
      const columns = Object.entries(o.columns).map(([column, type]) => ({ table: o.table, column, type }))
      scrubbed += await scrubRows(pg, o.table, columns, `${quoteIdent(o.key)} = ANY(?)`, [o.ids], needles, anon, true)
    }
    // Account holders keep a real email column: the anonymised address, not "[erased]".
    if (records.account_holders.length) {
      await pg.raw(`UPDATE account_holder SET email = ? WHERE id = ANY(?) AND email IS NOT NULL`, [anon, records.account_holders])
    }
    erased.payment_sessions = records.payment_sessions.length
    erased.payments = records.payments.length
    erased.fulfillments = records.fulfillments.length
    erased.notifications = records.notifications.length

    // Finished runs that mention the person: their stored context is of no further use.
    const inExecution = mentionsSql("execution", needles)
    const inContext = mentionsSql("context", needles)
    if (needles.length) {
      const { rows } = await pg.raw(
        `DELETE FROM workflow_execution WHERE state IN ('done', 'failed', 'reverted')
            AND (${inExecution.sql} OR ${inContext.sql}) RETURNING id`,
        [...inExecution.bindings, ...inContext.bindings]
      )
      erased.workflow_executions = rows.length
      // A run still going (an order flow parked until its shipping window) reads its stored
      // context back from the database when it resumes: the email there becomes the
      // anonymised address the order now has, and the phone goes. Its other values stay, so
      // the run can go on.
      erased.workflow_executions += await scrubRows(
        pg,
        "workflow_execution",
        [
          { table: "workflow_execution", column: "context", type: "jsonb" },
          { table: "workflow_execution", column: "execution", type: "jsonb" },
        ],
        `state NOT IN ('done', 'failed', 'reverted') AND (${inExecution.sql} OR ${inContext.sql})`,
        [...inExecution.bindings, ...inContext.bindings],
        needles,
        anon,
        false
      )
    }

    // The audit trail: entries about the customer or their orders, or mentioning them.
    const audit: AuditModuleService = container.resolve(AUDIT_MODULE)
    const inDetails = mentionsSql("details", needles)
    const { rows: targets } = await pg.raw(
      `SELECT DISTINCT target_id FROM omniflow_audit_entry
        WHERE anonymised_at IS NULL AND (target_id = ANY(?) OR ${inDetails.sql})`,
      [records.orders, ...inDetails.bindings]
    )
    let auditEntries = await audit.anonymiseEntries(customer_id)
    for (const { target_id } of targets) {
      auditEntries += await audit.anonymiseEntries(target_id)
    }
    erased.audit_entries = auditEntries

    // Data exports made for the customer are copies of everything above: their files go.
    const exports = await requests.listPrivacyRequests({ customer_id, kind: "export" })
    const files = exports.filter((r) => r.file_id)
    if (files.length) {
      await container.resolve(Modules.FILE).deleteFiles(files.map((r) => r.file_id as string))
      await requests.updatePrivacyRequests(files.map((r) => ({ id: r.id, file_id: null, expires_at: new Date() })))
    }
    erased.export_files = files.length

    // Whatever else still mentions the email or phone, wherever it is: only those words are
    // replaced there (these rows are not known to be the person's, so nothing else in them
    // is touched).
    const { mentions } = await findMentions(pg, needles, (table) => SWEEP_EXCLUDED.has(table))
    for (const m of mentions) {
      const where = mentionsSql(quoteIdent(m.column), needles)
      scrubbed += await scrubRows(pg, m.table, [m], where.sql, where.bindings, needles, anon, false)
    }
    erased.rows_scrubbed = scrubbed

    // Core's own deletion (its hook and `customer.deleted` event included), inside the
    // phase rather than as a nested `runAsStep`: the phase is recorded only after it, so a
    // run cut off in between deletes on resume — a step after this one would be skipped with
    // the phase already recorded. Deleting an already deleted customer is not attempted.
    if (customer && !customer.deleted_at) {
      await deleteCustomersWorkflow(container).run({ input: { ids: [customer_id] } })
    }
    await requests.finishPhase(request_id, "erase", { counts: { erased } })
    return new StepResponse({ skipped: false, erased })
  }
)
