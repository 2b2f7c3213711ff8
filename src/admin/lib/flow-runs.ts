import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { adminFetch } from "./api"
import { PAGE_SIZE } from "./queries"
import type { ListResponse } from "./types"

export type InboxState = "open" | "retried" | "resolved"

export const FLOW_RUN_STATES = ["running", "waiting", "held", "succeeded", "failed", "compensated", "timed_out"] as const
export type FlowRunState = (typeof FLOW_RUN_STATES)[number]

/** The spans the metrics API counts over; the run list's time filter offers the same. */
export type MetricsWindow = "1h" | "24h" | "7d"
const WINDOW_MS: Record<MetricsWindow, number> = { "1h": 3600_000, "24h": 24 * 3600_000, "7d": 7 * 24 * 3600_000 }

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
  state: FlowRunState
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
  window: MetricsWindow
  flows: {
    workflow_id: string
    runs: number
    by_state: Partial<Record<FlowRun["state"], number>>
    duration_ms: { p50: number | null; p95: number | null }
  }[]
  inbox: { open: number }
  /** Runs started per equal bucket of the window, oldest first; `failed` also counts compensated, timed-out and held runs. */
  series: { from: string; runs: number; failed: number }[]
}

export type FlowRunDetail = { flow_run: FlowRun; retries: FlowRun[] }

export type FlowRunFilters = {
  workflow_id?: string
  state?: FlowRunState
  inbox?: InboxState
  subject_id?: string
  /** Runs started within this span before the moment of each fetch. */
  started_within?: MetricsWindow
}

export type RetryResponse = {
  flow_run: FlowRun
  retry: { transaction_id: string; state: string; error: string | null; continued: boolean }
}

// Under the dashboard-wide OmniFlow key, so an action refreshes the list and the metrics.
const KEY = ["omniflow", "flow-runs"]

/** Recorded runs matching `filters` (the inbox when `inbox` is set), newest first. */
export function useFlowRuns({ started_within, offset, ...filters }: FlowRunFilters & { offset: number }) {
  return useQuery({
    // The span, not its start, is the key: a refetch (after a retry, say) moves the start to now.
    queryKey: [...KEY, "list", { ...filters, started_within, offset }],
    queryFn: () =>
      adminFetch<ListResponse<"flow_runs", FlowRun>>("/admin/omniflow/runs", {
        query: {
          ...filters,
          started_after: started_within && new Date(Date.now() - WINDOW_MS[started_within]).toISOString(),
          limit: PAGE_SIZE,
          offset,
        },
      }),
    placeholderData: keepPreviousData,
  })
}

/** How often an open run is read again while it is still running. */
const RUNNING_POLL_MS = 2000

/** One run with its steps and the runs that retried it; nothing is fetched while `id` is null. */
export function useFlowRun(id: string | null) {
  return useQuery({
    queryKey: [...KEY, "run", id],
    queryFn: () => adminFetch<FlowRunDetail>(`/admin/omniflow/runs/${encodeURIComponent(id!)}`),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data?.flow_run.state === "running" ? RUNNING_POLL_MS : false),
  })
}

export function useFlowMetrics(window: MetricsWindow = "24h") {
  return useQuery({
    queryKey: [...KEY, "metrics", window],
    queryFn: () => adminFetch<FlowMetrics>("/admin/omniflow/metrics", { query: { window } }),
    // The strip keeps the previous window on screen while another one loads.
    placeholderData: keepPreviousData,
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
