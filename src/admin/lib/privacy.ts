import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { AdminApiError, adminFetch } from "./api"
import { PAGE_SIZE } from "./queries"
import type { ListResponse } from "./types"

/** Response shapes of the privacy routes (data exports and erasures) and the audit trail. */

export type PrivacyRequestKind = "export" | "erasure"
export type PrivacyRequestState = "running" | "completed" | "failed"

/** The phases an erasure goes through, in order; an export has one. */
export const ERASURE_PHASES = ["revoke", "assess", "erase", "verify", "certificate"] as const
export const EXPORT_PHASES = ["export"] as const

export type PrivacyPhase = { name: string; finished_at: string; counts?: Record<string, number> }

/** Per kind of record: what revoke removed, what assess found, what erase changed. */
export type PrivacyCounts = Partial<Record<"revoked" | "assessed" | "erased", Record<string, number>>>

export type Requester = { type: "user" | "customer" | string; id: string }

export type PrivacyRequest = {
  id: string
  kind: PrivacyRequestKind
  customer_id: string
  requested_by: Requester
  state: PrivacyRequestState
  phases: PrivacyPhase[]
  counts: PrivacyCounts | null
  expires_at: string | null
  error: string | null
  created_at: string
  completed_at: string | null
}

export type ErasureVerification = {
  searched_at: string | null
  /** Which of the person's data was looked for: "email", "phone", "names". */
  searched_for: string[]
  tables_searched: number
  columns_searched: number
  matches: { table: string; column: string; rows: number }[]
}

/** What an erasure did, when, and what was searched afterwards; no personal data. */
export type ErasureCertificate = {
  id: string
  customer_id: string
  state: PrivacyRequestState
  requested_by: Requester
  phases: PrivacyPhase[]
  counts: PrivacyCounts | null
  verification: ErasureVerification | null
  error: string | null
  created_at: string
  completed_at: string | null
}

export type AuditEntry = {
  id: string
  actor_type: string
  actor_id: string | null
  action: string
  target_type: string
  target_id: string
  details: Record<string, unknown> | null
  created_at: string
}

/** The body of the 409 an erasure is refused with while orders still have to ship. */
export type UnfulfilledOrdersRefusal = { code: "unfulfilled_orders"; message: string; order_ids: string[] }

export function unfulfilledOrdersRefusal(error: unknown): UnfulfilledOrdersRefusal | null {
  if (!(error instanceof AdminApiError) || error.status !== 409) return null
  const body = error.body as Partial<UnfulfilledOrdersRefusal> | null
  return body?.code === "unfulfilled_orders" ? { code: body.code, message: error.message, order_ids: body.order_ids ?? [] } : null
}

/** "3/5: erase": phases finished out of all, and the last one finished. */
export function phaseProgress(request: Pick<PrivacyRequest, "kind" | "phases">): string {
  const all = request.kind === "erasure" ? ERASURE_PHASES.length : EXPORT_PHASES.length
  const done = request.phases ?? []
  const last = done[done.length - 1]
  return `${done.length}/${all}${last ? `: ${last.name}` : ""}`
}

/** A completed export whose link still works; expired ones are deleted soon after. */
export function isDownloadable(request: Pick<PrivacyRequest, "kind" | "state" | "expires_at">, now = Date.now()): boolean {
  return (
    request.kind === "export" &&
    request.state === "completed" &&
    !!request.expires_at &&
    new Date(request.expires_at).getTime() > now
  )
}

// Under the dashboard-wide OmniFlow key, so starting a request refreshes every list showing it.
const KEY = ["omniflow", "privacy"]

/** A request runs in the background for seconds; lists showing one follow it until it ends. */
export const PRIVACY_POLL_MS = 2000
const pollWhileRunning = (requests: { state: string }[] | undefined) =>
  requests?.some((r) => r.state === "running") ? PRIVACY_POLL_MS : false

export function usePrivacyRequests(params: { kind?: PrivacyRequestKind; state?: PrivacyRequestState; offset: number }) {
  return useQuery({
    queryKey: [...KEY, "list", params],
    queryFn: () =>
      adminFetch<ListResponse<"privacy_requests", PrivacyRequest>>("/admin/omniflow/privacy-requests", {
        query: { kind: params.kind, state: params.state, limit: PAGE_SIZE, offset: params.offset },
      }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => pollWhileRunning(q.state.data?.privacy_requests),
  })
}

/** The most requests the customer page shows for one customer. */
const CUSTOMER_LIMIT = 100

/** The customer's exports and erasure, newest first. */
export function useCustomerPrivacyRequests(customerId: string) {
  return useQuery({
    queryKey: [...KEY, "customer", customerId],
    queryFn: async () => {
      const data = await adminFetch<ListResponse<"privacy_requests", PrivacyRequest>>("/admin/omniflow/privacy-requests", {
        query: { customer_id: customerId, limit: CUSTOMER_LIMIT, offset: 0 },
      })
      return data.privacy_requests
    },
    refetchInterval: (q) => pollWhileRunning(q.state.data),
  })
}

/** An erasure's certificate, or its progress while it runs; nothing is fetched for null. */
export function useErasureCertificate(id: string | null) {
  return useQuery({
    queryKey: [...KEY, "certificate", id],
    queryFn: () => adminFetch<{ erasure_request: ErasureCertificate }>(`/admin/erasure-requests/${encodeURIComponent(id!)}`),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data?.erasure_request.state === "running" ? PRIVACY_POLL_MS : false),
  })
}

/** The audit trail about one target; `poll` reads it again while something it records is under way. */
export function useAuditEntries(params: { target: string; action?: string; limit: number }, poll = false) {
  return useQuery({
    queryKey: ["omniflow", "audit", params],
    refetchInterval: poll ? PRIVACY_POLL_MS : false,
    queryFn: () =>
      adminFetch<{ audit_entries: AuditEntry[]; count: number }>("/admin/omniflow/audit", {
        query: { target: params.target, action: params.action, limit: params.limit },
      }),
  })
}

export function useRequestDataExport(customerId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: { note?: string }) =>
      adminFetch<{ privacy_request: PrivacyRequest }>(`/admin/customers/${encodeURIComponent(customerId)}/data-export`, {
        method: "POST",
        body,
      }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["omniflow"] }),
  })
}

export function useRequestErasure(customerId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: { note?: string }) =>
      adminFetch<{ privacy_request: PrivacyRequest }>(`/admin/customers/${encodeURIComponent(customerId)}/erasure`, {
        method: "POST",
        body,
      }),
    // Refreshed on a refusal too: the audit trail and the list stay as the server has them.
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["omniflow"] }),
  })
}

/** `?id[]=a&id[]=b`: core's list routes take several ids that way. */
function idsQuery(ids: string[], fields: string): string {
  const params = new URLSearchParams({ fields, limit: String(ids.length) })
  for (const id of ids) params.append("id[]", id)
  return params.toString()
}

/**
 * Emails of core records by id (admin users, customers) for labels: a label falls back to
 * the id when a record is gone (an erased customer) or cannot be read.
 */
function useEmailsById(resource: "users" | "customers", ids: string[]) {
  const unique = [...new Set(ids)].sort()
  return useQuery({
    queryKey: ["omniflow", "emails", resource, unique],
    queryFn: async () => {
      const data = await adminFetch<Record<string, { id: string; email: string | null }[]>>(
        `/admin/${resource}?${idsQuery(unique, "id,email")}`
      )
      return new Map((data[resource] ?? []).map((r) => [r.id, r.email]))
    },
    enabled: unique.length > 0,
    staleTime: 60_000,
    retry: false,
  }).data
}

export const useUserEmails = (ids: string[]) => useEmailsById("users", ids)
export const useCustomerEmails = (ids: string[]) => useEmailsById("customers", ids)

/**
 * Fetches a data export with the admin's session and saves it as a file. The route answers
 * only the admin who asked for it (404 for anyone else) and 410 once the link expired;
 * those answers are thrown with their message.
 */
export async function downloadDataExport(id: string): Promise<void> {
  const res = await fetch(`/admin/omniflow/privacy-requests/${encodeURIComponent(id)}/download`, {
    credentials: "include",
    headers: { accept: "application/json" },
  })
  if (!res.ok) {
    const body = await res.json().catch(() => null)
    throw new AdminApiError(body?.message ?? `${res.status} ${res.statusText}`, res.status, body)
  }
  const url = URL.createObjectURL(await res.blob())
  try {
    const link = document.createElement("a")
    link.href = url
    link.download = `data-export-${id}.json`
    document.body.appendChild(link)
    link.click()
    link.remove()
  } finally {
    // After the click has handed the file to the browser.
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }
}
