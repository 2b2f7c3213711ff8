import { timingSafeEqual } from "crypto"
import { Counter, Gauge, Histogram, Registry } from "prom-client"
import type { FlowRunState, RunStep } from "../../modules/flow-runs"

/**
 * OmniFlow's Prometheus series, in a registry of its own (a shop's own prom-client
 * metrics are not mixed in or reset). Counted in the process that saw each run end, so a
 * deployment of several processes is scraped per process, as Prometheus expects.
 */
export const omniflowRegistry = new Registry()

const runs = new Counter({
  name: "omniflow_flow_runs_total",
  help: "Workflow runs that ended, by flow and final state.",
  labelNames: ["flow", "state"],
  registers: [omniflowRegistry],
})

const durations = new Histogram({
  name: "omniflow_flow_run_duration_seconds",
  help: "Duration of workflow runs from begin to end (waits included), by flow.",
  labelNames: ["flow"],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400],
  registers: [omniflowRegistry],
})

const steps = new Counter({
  name: "omniflow_flow_steps_total",
  help: "Steps of ended workflow runs, by flow, step and outcome.",
  labelNames: ["flow", "step", "state"],
  registers: [omniflowRegistry],
})

/** Counts a run that ended. */
export function observeRun(flow: string, state: FlowRunState, durationMs: number, stepList: RunStep[]) {
  runs.inc({ flow, state })
  durations.observe({ flow }, durationMs / 1000)
  for (const s of stepList) {
    steps.inc({ flow, step: s.name, state: s.state })
  }
}

const inboxOpen = new Gauge({
  name: "omniflow_inbox_open",
  help: "Failed, compensated or timed-out runs waiting in the inbox (all processes; read from the database).",
  registers: [omniflowRegistry],
})

/** The scrape's view of the inbox, read from the database at scrape time. */
export function setInboxOpen(n: number) {
  inboxOpen.set(n)
}

/** Whether an `Authorization` header carries the scrape token (compared in constant time). */
export function isScrapeAuthorized(authorization: string | undefined, token: string) {
  const given = /^Bearer (.+)$/.exec(authorization ?? "")?.[1]
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}
