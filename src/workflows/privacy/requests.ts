import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService, Requester } from "../../modules/customer-lifecycle"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../modules/omniflow"
import { runFlow } from "../flow-runs/run-flow"
import { eraseCustomerWorkflow } from "./erase-customer"
import { exportCustomerDataWorkflow } from "./export-customer-data"
import { ErasureSubject } from "./personal-data"
import { unfulfilledOrderIds } from "./unfulfilled-orders"

/**
 * What the routes and the resume job share: opening a request, running its workflow, and
 * what a request looks like from outside (never its `subject`, the personal data an
 * erasure searches for).
 */

type RequestRow = {
  id: string
  kind: string
  customer_id: string
  requested_by_type: string
  requested_by_id: string
  state: string
  phases?: unknown
  counts?: unknown
  verification?: any
  expires_at?: Date | string | null
  error?: string | null
  created_at?: Date | string
  completed_at?: Date | string | null
}

/** A request as the API shows it: no search terms, no process key. */
export function presentPrivacyRequest(row: RequestRow) {
  return {
    id: row.id,
    kind: row.kind,
    customer_id: row.customer_id,
    requested_by: { type: row.requested_by_type, id: row.requested_by_id },
    state: row.state,
    phases: row.phases ?? [],
    counts: row.counts ?? null,
    expires_at: row.expires_at ?? null,
    error: row.error ?? null,
    created_at: row.created_at ?? null,
    completed_at: row.completed_at ?? null,
  }
}

/** An erasure's certificate: what was done and when, what was searched, no personal data. */
export function erasureCertificate(row: RequestRow) {
  const v = row.verification ?? null
  return {
    id: row.id,
    customer_id: row.customer_id,
    state: row.state,
    requested_by: { type: row.requested_by_type, id: row.requested_by_id },
    phases: row.phases ?? [],
    counts: row.counts ?? null,
    verification: v
      ? {
          searched_at: v.searched_at ?? null,
          searched_for: v.searched_for ?? [],
          tables_searched: v.tables_searched ?? 0,
          tables: v.tables ?? [],
          columns_searched: v.columns_searched ?? 0,
          matches: v.matches ?? [],
        }
      : null,
    error: row.error ?? null,
    created_at: row.created_at ?? null,
    completed_at: row.completed_at ?? null,
  }
}

const lifecycle = (container: MedusaContainer) => container.resolve(CUSTOMER_LIFECYCLE_MODULE) as CustomerLifecycleModuleService

/**
 * Runs the request's workflow and, if the run fails, saves why on the request (a completed
 * request is left as it is). Resolves when the run has ended, never rejects: a route
 * starts it without waiting, the resume job waits for it.
 */
export async function runPrivacyRequest(
  container: MedusaContainer,
  request: { id: string; kind: string; customer_id: string },
  note?: string
): Promise<{ ok: boolean; error?: string }> {
  const workflow = request.kind === "erasure" ? eraseCustomerWorkflow : exportCustomerDataWorkflow
  try {
    await runFlow(container, workflow, { request_id: request.id, customer_id: request.customer_id, ...(note ? { note } : {}) })
    return { ok: true }
  } catch (e) {
    const error = (e as Error)?.message ?? String(e)
    try {
      const [row] = await lifecycle(container).listPrivacyRequests({ id: request.id })
      if (row && row.state !== "completed") {
        await lifecycle(container).failRequest(request.id, error)
      }
    } catch (recordError) {
      container
        .resolve(ContainerRegistrationKeys.LOGGER)
        .error(`[omniflow] recording the failure of privacy request ${request.id} failed: ${(recordError as Error).message}`)
    }
    return { ok: false, error }
  }
}

async function findCustomer(container: MedusaContainer, customer_id: string) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "customer",
    fields: ["id", "email", "first_name", "last_name", "phone"],
    filters: { id: customer_id },
  })
  const customer = data[0] as any
  if (!customer) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Customer with id: ${customer_id} was not found`)
  }
  return customer
}

/**
 * Opens a data export for the customer and starts it in the background (the caller answers
 * at once). Unknown customer: NOT_FOUND; a customer whose erasure was asked for: NOT_ALLOWED (400).
 */
export async function requestDataExport(container: MedusaContainer, input: { customer_id: string; requester: Requester; note?: string }) {
  await findCustomer(container, input.customer_id)
  // A copy made while the person is being erased would outlive the erasure.
  const [erasure] = await lifecycle(container).listPrivacyRequests({ customer_id: input.customer_id, kind: "erasure" })
  if (erasure) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `The customer's erasure (${erasure.id}) has been asked for: their data is no longer exported`)
  }
  const [row] = await lifecycle(container).createPrivacyRequests([
    {
      kind: "export",
      customer_id: input.customer_id,
      requested_by_type: input.requester.type,
      requested_by_id: input.requester.id,
      state: "running",
      phases: [] as unknown as Record<string, unknown>,
    },
  ])
  void runPrivacyRequest(container, row, input.note)
  return presentPrivacyRequest(row)
}

export type ErasureAnswer =
  | { status: 200 | 202; privacy_request: ReturnType<typeof presentPrivacyRequest> }
  | { status: 409; code: "unfulfilled_orders"; message: string; order_ids: string[] }

/**
 * Opens the customer's erasure and starts it in the background, or returns the one that
 * exists (200; asking twice changes nothing). Unknown customer: NOT_FOUND. Orders still to
 * be fulfilled answer 409 under `unfulfilledOrders: "refuse"`; under `cancel` the
 * workflow cancels them first.
 */
export async function requestErasure(
  container: MedusaContainer,
  input: { customer_id: string; requester: Requester; note?: string }
): Promise<ErasureAnswer> {
  const [existing] = await lifecycle(container).listPrivacyRequests({ customer_id: input.customer_id, kind: "erasure" })
  if (existing) {
    return { status: 200, privacy_request: presentPrivacyRequest(existing) }
  }
  const customer = await findCustomer(container, input.customer_id)
  const { unfulfilledOrders } = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().customerLifecycle
  if (unfulfilledOrders === "refuse") {
    const order_ids = await unfulfilledOrderIds(container, input.customer_id)
    if (order_ids.length) {
      return {
        status: 409,
        code: "unfulfilled_orders",
        message: `The customer has ${order_ids.length} order(s) not fulfilled yet; cancel or fulfil them before erasing the customer`,
        order_ids,
      }
    }
  }
  const subject: ErasureSubject = {
    email: customer.email ?? null,
    first_name: customer.first_name ?? null,
    last_name: customer.last_name ?? null,
    phone: customer.phone ?? null,
  }
  const { created, request } = await lifecycle(container).openErasure({
    customer_id: input.customer_id,
    requester: input.requester,
    subject,
  })
  if (created) {
    void runPrivacyRequest(container, request, input.note)
  }
  return { status: created ? 202 : 200, privacy_request: presentPrivacyRequest(request) }
}
