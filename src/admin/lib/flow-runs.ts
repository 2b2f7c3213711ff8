import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { adminFetch } from "./api"
import { PAGE_SIZE } from "./queries"
import type { ListResponse } from "./types"

export type InboxState = "open" | "retried" | "resolved"

export type FlowRunStep = { name: string; state: string; attempts: number; duration_ms: number | null; error: string | null }

export type FlowRun = {
  id: string
  workflow_id: string
  transaction_id: string
  trigger: string
  trigger_name: string | null
  actor_type: string | null
  actor_id: string | null
  subject_type: string | null
  subject_id: string | null
  state: "running" | "waiting" | "succeeded" | "failed" | "compensated" | "timed_out"
  started_at: string
  ended_at: string | null
  duration_ms: number | null
  steps: FlowRunStep[] | null
  error: string | null
  failed_step: string | null
  inbox: InboxState | null
  retry_of: string | null
  retried_as: string | null
  resolved_by: string | null
  resolved_at: string | null
  resolution_note: string | null
}

export type FlowMetrics = {
  window: string
  flows: {
    workflow_id: string
    runs: number
    by_state: Partial<Record<FlowRun["state"], number>>
    duration_ms: { p50: number | null; p95: number | null }
  }[]
  inbox: { open: number }
}

export type RetryResponse = { flow_run: FlowRun; retry: { transaction_id: string; state: string; error: string | null } }

// Under the dashboard-wide OmniFlow key, so an action refreshes the list and the metrics.
const KEY = ["omniflow", "flow-runs"]

/** The inbox (`inbox` set) or every recorded run (`inbox` undefined), newest first. */
export function useFlowRuns(params: { inbox?: InboxState; offset: number }) {
  return useQuery({
    queryKey: [...KEY, "list", params],
    queryFn: () =>
      adminFetch<ListResponse<"flow_runs", FlowRun>>("/admin/omniflow/runs", {
        query: { inbox: params.inbox, limit: PAGE_SIZE, offset: params.offset },
      }),
    placeholderData: keepPreviousData,
  })
}

export function useFlowMetrics() {
  return useQuery({
    queryKey: [...KEY, "metrics"],
    queryFn: () => adminFetch<FlowMetrics>("/admin/omniflow/metrics", { query: { window: "24h" } }),
  })
}

export function useRetryFlowRun() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => adminFetch<RetryResponse>(`/admin/omniflow/runs/${encodeURIComponent(id)}/retry`, { method: "POST", body: {} }),
    // Refreshed on failure too: a 409 means someone else acted first.
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["omniflow"] }),
  })
}

export function useResolveFlowRun() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, note }: { id: string; note: string }) =>
      adminFetch<{ flow_run: FlowRun }>(`/admin/omniflow/runs/${encodeURIComponent(id)}/resolve`, { method: "POST", body: { note } }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["omniflow"] }),
  })
}
