import { defineRouteConfig } from "@medusajs/admin-sdk"
import { ArrowPath } from "@medusajs/icons"
import { Alert, Button, Drawer, Input, Select, StatusBadge, Table, Text, Textarea } from "@medusajs/ui"
import { useEffect, useState } from "react"
import { Link } from "react-router-dom"
import { Field } from "../../components/field"
import { Timeline } from "../../components/timeline"
import { ListPage, useStatusPaging } from "../../components/list-page"
import { errorMessage } from "../../lib/api"
import {
  FLOW_RUN_STATES,
  FlowMetrics,
  FlowRun,
  FlowRunFilters,
  FlowRunStep,
  InboxState,
  MetricsWindow,
  RetryResponse,
  useFlowMetrics,
  useFlowRun,
  useFlowRuns,
  useResolveFlowRun,
  useRetryFlowRun,
} from "../../lib/flow-runs"
import { formatDateTime, humanize } from "../../lib/format"

const INBOX: readonly InboxState[] = ["open", "retried", "resolved"]

const STATE_COLORS: Record<string, "green" | "red" | "blue" | "orange" | "grey"> = {
  running: "blue",
  waiting: "orange",
  held: "orange",
  succeeded: "green",
  failed: "red",
  compensated: "red",
  timed_out: "red",
}

/** A step as the recorder reports it; one begun but never finished by the run's end is "skipped". */
const STEP_COLORS: Record<string, "green" | "red" | "blue" | "orange" | "grey"> = {
  invoking: "blue",
  done: "green",
  failed: "red",
  compensation_failed: "red",
  held: "orange",
  compensated: "grey",
  skipped: "grey",
}

const WINDOWS: readonly MetricsWindow[] = ["1h", "24h", "7d"]
const WINDOW_SHORT: Record<MetricsWindow, string> = { "1h": "1 h", "24h": "24 h", "7d": "7 d" }
const WINDOW_LONG: Record<MetricsWindow, string> = { "1h": "hour", "24h": "24 hours", "7d": "7 days" }
/** The span of one bar, as the metrics API buckets each window. */
const BAR_SPAN: Record<MetricsWindow, string> = { "1h": "5 min", "24h": "hour", "7d": "6 h" }

/** A filter select's "no filter" choice; Radix Select takes no empty value. */
const ANY = "any"

/** Typing an id asks the API once the admin pauses, not at every key. */
const SUBJECT_DEBOUNCE_MS = 300

type Outcome = { kind: "success" | "error"; text: string } | null

type Filters = Omit<FlowRunFilters, "inbox">

/**
 * Every run of OmniFlow's flows (and the checkout), and the inbox of the ones that failed,
 * were compensated, timed out or are held at a failed step: retry one (a new run with the
 * same input, or a held run continued from its step) or resolve it with a note. A run's
 * row opens its steps.
 */
const FlowsPage = () => {
  const paging = useStatusPaging<InboxState>("open")
  const [filters, setFilters] = useState<Filters>({})
  const [chartWindow, setChartWindow] = useState<MetricsWindow>("24h")
  const [openRun, setOpenRun] = useState<string | null>(null)
  const metrics = useFlowMetrics(chartWindow)
  const query = useFlowRuns({ ...filters, inbox: paging.statusFilter, offset: paging.offset })
  const runs = query.data?.flow_runs ?? []
  const [outcome, setOutcome] = useState<Outcome>(null)
  const filtered = Object.values(filters).some((v) => v !== undefined)

  const changeFilters = (next: Filters) => {
    setFilters((current) => ({ ...current, ...next }))
    paging.setOffset(0)
  }

  return (
    <ListPage
      title="Flows"
      subtitle="Failed runs wait in the inbox until someone retries or resolves them. “All” lists every recorded run."
      statuses={INBOX}
      paging={paging}
      query={query}
      count={query.data?.count ?? 0}
      empty={runs.length === 0}
      emptyText={filtered ? "No runs match these filters." : paging.status === "open" ? "The inbox is empty." : "No runs."}
      banner={
        <>
          {metrics.data && <MetricsStrip metrics={metrics.data} chosen={chartWindow} onChoose={setChartWindow} />}
          <RunFilters filters={filters} flowIds={metrics.data?.flows.map((f) => f.workflow_id) ?? []} onChange={changeFilters} />
          {outcome && (
            <div className="px-6 py-3">
              <Alert variant={outcome.kind} dismissible>
                {outcome.text}
              </Alert>
            </div>
          )}
        </>
      }
      after={<FlowRunDrawer runId={openRun} onOpenRun={setOpenRun} />}
    >
      <Table>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Started</Table.HeaderCell>
            <Table.HeaderCell>Flow</Table.HeaderCell>
            <Table.HeaderCell>State</Table.HeaderCell>
            <Table.HeaderCell>Subject</Table.HeaderCell>
            <Table.HeaderCell>Started by</Table.HeaderCell>
            <Table.HeaderCell>Error</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Actions</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {runs.map((run) => (
            <RunRow key={run.id} run={run} onOutcome={setOutcome} onOpen={() => setOpenRun(run.id)} />
          ))}
        </Table.Body>
      </Table>
    </ListPage>
  )
}

/**
 * The figures describe the window the data on screen is for: while another one the admin
 * chose loads, the previous window stays, named as such.
 */
const MetricsStrip = ({
  metrics,
  chosen,
  onChoose,
}: {
  metrics: FlowMetrics
  chosen: MetricsWindow
  onChoose: (window: MetricsWindow) => void
}) => (
  <div className="flex flex-col gap-y-3 px-6 py-3" data-testid="flow-metrics">
    <div className="flex flex-wrap gap-x-6 gap-y-2">
      <Text size="small" weight="plus">
        Inbox: {metrics.inbox.open}
      </Text>
      {metrics.flows.map((f) => (
        <Text key={f.workflow_id} size="small" className="text-ui-fg-subtle">
          {f.workflow_id}: {f.runs} run(s) in {WINDOW_SHORT[metrics.window]}, {f.by_state.failed ?? 0} failed
          {f.duration_ms.p50 != null ? `, p50 ${f.duration_ms.p50} ms, p95 ${f.duration_ms.p95} ms` : ""}
        </Text>
      ))}
    </div>
    <div className="flex items-end gap-x-4">
      <RunsChart series={metrics.series} window={metrics.window} />
      <Text size="xsmall" className="text-ui-fg-muted whitespace-nowrap">
        Runs per {BAR_SPAN[metrics.window]}, failed in red
      </Text>
      <div className="flex gap-x-1" role="group" aria-label="Chart window">
        {WINDOWS.map((w) => (
          <Button key={w} size="small" variant={w === chosen ? "secondary" : "transparent"} aria-pressed={w === chosen} onClick={() => onChoose(w)}>
            {w}
          </Button>
        ))}
      </div>
    </div>
  </div>
)

/** Runs started per bucket, the failed part of each bar in red; a bar's tooltip gives its figures. */
const RunsChart = ({ series, window }: { series: FlowMetrics["series"]; window: MetricsWindow }) => {
  const highest = Math.max(1, ...series.map((b) => b.runs))
  // A run or two among hundreds still shows as a sliver rather than nothing.
  const segment = (n: number) => ({ height: `${(n / highest) * 100}%`, minHeight: n > 0 ? 2 : 0 })
  return (
    <div
      role="img"
      aria-label={`Runs and failures over the last ${WINDOW_LONG[window]}`}
      className="border-ui-border-base flex h-16 w-full max-w-md items-end gap-px border-b"
    >
      {series.map((b) => (
        <div
          key={b.from}
          title={`${bucketTime(b.from, window)}: ${b.runs} run${b.runs === 1 ? "" : "s"}, ${b.failed} failed`}
          className="flex h-full flex-1 flex-col justify-end"
        >
          <div className="bg-ui-tag-neutral-icon" style={segment(b.runs - b.failed)} />
          <div className="bg-ui-tag-red-icon" style={segment(b.failed)} />
        </div>
      ))}
    </div>
  )
}

/** A bucket's start: the time of day, and the weekday too once the window spans days. */
function bucketTime(from: string, window: MetricsWindow): string {
  return new Date(from).toLocaleString(undefined, {
    ...(window === "7d" ? { weekday: "short" } : {}),
    hour: "2-digit",
    minute: "2-digit",
  })
}

const RunFilters = ({ filters, flowIds, onChange }: { filters: Filters; flowIds: string[]; onChange: (next: Filters) => void }) => {
  const [subject, setSubject] = useState(filters.subject_id ?? "")
  useEffect(() => {
    const id = subject.trim() || undefined
    if (id === filters.subject_id) return
    const timer = setTimeout(() => onChange({ subject_id: id }), SUBJECT_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [subject, filters.subject_id])

  // The chosen flow stays offered when the metrics window no longer holds a run of it.
  const flows = [...new Set([...flowIds, ...(filters.workflow_id ? [filters.workflow_id] : [])])].sort()
  return (
    <div className="flex flex-wrap items-center gap-3 px-6 py-3" data-testid="flow-filters">
      <FilterSelect
        label="Flow"
        value={filters.workflow_id}
        anyLabel="All flows"
        options={flows.map((id) => ({ value: id, label: id }))}
        onChange={(workflow_id) => onChange({ workflow_id })}
      />
      <FilterSelect
        label="State"
        value={filters.state}
        anyLabel="All states"
        options={FLOW_RUN_STATES.map((s) => ({ value: s, label: sentence(s) }))}
        onChange={(state) => onChange({ state })}
      />
      <FilterSelect
        label="Started"
        value={filters.started_within}
        anyLabel="Any time"
        options={WINDOWS.map((w) => ({ value: w, label: `Last ${WINDOW_LONG[w]}` }))}
        onChange={(started_within) => onChange({ started_within })}
      />
      <Input
        size="small"
        type="search"
        className="w-[260px]"
        aria-label="Subject"
        placeholder="Order, cart or customer id"
        maxLength={128}
        value={subject}
        onChange={(e) => setSubject(e.target.value)}
      />
    </div>
  )
}

function FilterSelect<V extends string>({
  label,
  value,
  anyLabel,
  options,
  onChange,
}: {
  label: string
  value: V | undefined
  anyLabel: string
  options: { value: V; label: string }[]
  onChange: (value: V | undefined) => void
}) {
  return (
    <Select size="small" value={value ?? ANY} onValueChange={(v) => onChange(v === ANY ? undefined : (v as V))}>
      <Select.Trigger className="w-[220px]" aria-label={label}>
        <Select.Value />
      </Select.Trigger>
      <Select.Content>
        <Select.Item value={ANY}>{anyLabel}</Select.Item>
        {options.map((o) => (
          <Select.Item key={o.value} value={o.value}>
            {o.label}
          </Select.Item>
        ))}
      </Select.Content>
    </Select>
  )
}

const sentence = (value: string) => humanize(value.charAt(0).toUpperCase() + value.slice(1))

const RunRow = ({ run, onOutcome, onOpen }: { run: FlowRun; onOutcome: (o: Outcome) => void; onOpen: () => void }) => {
  const retry = useRetryFlowRun()
  const resolve = useResolveFlowRun()
  const [resolving, setResolving] = useState(false)
  const [note, setNote] = useState("")

  const doRetry = () =>
    retry.mutate(run.id, {
      onSuccess: (r) => onOutcome(retryOutcome(run, r.retry)),
      onError: (e) => onOutcome({ kind: "error", text: errorMessage(e) }),
    })
  const doResolve = () =>
    resolve.mutate(
      { id: run.id, note },
      {
        onSuccess: () => {
          setResolving(false)
          onOutcome({ kind: "success", text: `Resolved ${run.workflow_id}.` })
        },
        onError: (e) => onOutcome({ kind: "error", text: errorMessage(e) }),
      }
    )

  return (
    <Table.Row
      className="cursor-pointer align-top [&_td]:py-3"
      data-testid={`flow-run-${run.id}`}
      tabIndex={0}
      // Selecting an error to copy it is not a request for the run's steps.
      onClick={() => !window.getSelection()?.toString() && onOpen()}
      onKeyDown={(e) => {
        // Keys typed into the row's note are the note's.
        if (e.target !== e.currentTarget || (e.key !== "Enter" && e.key !== " ")) return
        e.preventDefault()
        onOpen()
      }}
    >
      <Table.Cell>
        <Text size="xsmall">{formatDateTime(run.started_at)}</Text>
        {run.duration_ms != null && (
          <Text size="xsmall" className="text-ui-fg-subtle">
            {run.duration_ms} ms
          </Text>
        )}
      </Table.Cell>
      <Table.Cell>
        <Text size="small">{run.workflow_id}</Text>
        {run.retry_of && (
          <Text size="xsmall" className="text-ui-fg-subtle">
            retry of {run.retry_of}
          </Text>
        )}
      </Table.Cell>
      <Table.Cell>
        <StatusBadge color={STATE_COLORS[run.state] ?? "grey"}>{humanize(run.state)}</StatusBadge>
        {run.inbox && (
          <Text size="xsmall" className="text-ui-fg-subtle mt-1">
            inbox: {run.inbox}
          </Text>
        )}
      </Table.Cell>
      <Table.Cell>
        <Subject run={run} />
      </Table.Cell>
      <Table.Cell>
        <Actor run={run} />
      </Table.Cell>
      <Table.Cell className="max-w-[320px] whitespace-normal">
        {run.error ? (
          <Text size="xsmall">
            {run.failed_step ? <strong>{run.failed_step}: </strong> : null}
            {run.error}
          </Text>
        ) : (
          <Text size="xsmall" className="text-ui-fg-muted">
            —
          </Text>
        )}
        {run.inbox === "resolved" && (
          <Text size="xsmall" className="text-ui-fg-subtle mt-1">
            resolved by {run.resolved_by} · {formatDateTime(run.resolved_at)} · {run.resolution_note}
          </Text>
        )}
      </Table.Cell>
      {/* Its buttons and note act on the run; they do not open it. */}
      <Table.Cell className="text-right" onClick={(e) => e.stopPropagation()}>
        {run.inbox === "open" &&
          (resolving ? (
            <div className="flex flex-col items-end gap-y-2">
              <Textarea
                aria-label="Resolution note"
                placeholder="What was done about it"
                value={note}
                onChange={(e) => setNote(e.target.value)}
              />
              <div className="flex gap-x-2">
                <Button size="small" variant="secondary" onClick={() => setResolving(false)}>
                  Cancel
                </Button>
                <Button size="small" variant="primary" disabled={!note.trim()} isLoading={resolve.isPending} onClick={doResolve}>
                  Confirm resolve
                </Button>
              </div>
            </div>
          ) : (
            <div className="flex justify-end gap-x-2">
              <Button size="small" variant="secondary" onClick={() => setResolving(true)}>
                Resolve
              </Button>
              <Button size="small" variant="primary" isLoading={retry.isPending} onClick={doRetry}>
                Retry
              </Button>
            </div>
          ))}
      </Table.Cell>
    </Table.Row>
  )
}

const Subject = ({ run }: { run: FlowRun }) =>
  run.subject_type === "order" && run.subject_id ? (
    // Following the link leaves for the order; it does not open the run first.
    <Link to={`/orders/${run.subject_id}`} className="text-ui-fg-interactive text-xs" onClick={(e) => e.stopPropagation()}>
      order {run.subject_id}
    </Link>
  ) : (
    <Text size="xsmall">{run.subject_id ? `${run.subject_type} ${run.subject_id}` : "—"}</Text>
  )

const Actor = ({ run }: { run: FlowRun }) => (
  <>
    <Text size="xsmall">{run.trigger_name ?? run.trigger}</Text>
    <Text size="xsmall" className="text-ui-fg-subtle">
      {run.actor_type ?? "system"}
      {run.actor_id ? ` ${run.actor_id}` : ""}
    </Text>
  </>
)

/**
 * A run and its steps in the order they ran, with each step's error, and the runs that
 * retried it. Opened for one run id; null keeps it closed. Other runs it names (the one it
 * retried, its retries) open in its place.
 */
const FlowRunDrawer = ({ runId, onOpenRun }: { runId: string | null; onOpenRun: (id: string | null) => void }) => (
  <Drawer open={!!runId} onOpenChange={(open) => !open && onOpenRun(null)}>
    <Drawer.Content>
      <Drawer.Header>
        <Drawer.Title>Flow run</Drawer.Title>
        <Drawer.Description className="sr-only">The run's details and its steps</Drawer.Description>
      </Drawer.Header>
      <Drawer.Body className="flex flex-1 flex-col gap-y-6 overflow-y-auto">
        {runId && <RunDetail id={runId} onOpenRun={onOpenRun} />}
      </Drawer.Body>
      <Drawer.Footer>
        <Button type="button" variant="secondary" size="small" onClick={() => onOpenRun(null)}>
          Close
        </Button>
      </Drawer.Footer>
    </Drawer.Content>
  </Drawer>
)

const RunDetail = ({ id, onOpenRun }: { id: string; onOpenRun: (id: string) => void }) => {
  const { data, isLoading, isError, error } = useFlowRun(id)
  if (isError) return <Alert variant="error">Could not load the run: {errorMessage(error)}</Alert>
  if (isLoading || !data) {
    return (
      <Text size="small" className="text-ui-fg-muted">
        Loading…
      </Text>
    )
  }
  const { flow_run: run, retries } = data
  const runLink = (other: string) => (
    <button type="button" className="text-ui-fg-interactive txt-compact-small font-mono break-all text-left" onClick={() => onOpenRun(other)}>
      {other}
    </button>
  )
  return (
    <>
      {/* Field rows carry their own side padding; the drawer's body has it already. */}
      <div className="-mx-6" data-testid="flow-run-summary">
        <Field label="Flow">
          <Text size="small">{run.workflow_id}</Text>
        </Field>
        <Field label="State">
          <StatusBadge color={STATE_COLORS[run.state] ?? "grey"}>{humanize(run.state)}</StatusBadge>
        </Field>
        <Field label="Transaction">
          <Text size="small" className="font-mono break-all">
            {run.transaction_id}
          </Text>
        </Field>
        <Field label="Started by">
          <Actor run={run} />
        </Field>
        <Field label="Subject">
          <Subject run={run} />
        </Field>
        <Field label="Started">
          <Text size="small">{formatDateTime(run.started_at)}</Text>
        </Field>
        <Field label="Duration">
          <Text size="small">{run.duration_ms != null ? `${run.duration_ms} ms` : "—"}</Text>
        </Field>
        {run.retry_of && <Field label="Retry of">{runLink(run.retry_of)}</Field>}
        {run.retried_as && <Field label="Retried as">{runLink(run.retried_as)}</Field>}
        <Field label="Inbox">
          <Text size="small">{run.inbox ?? "—"}</Text>
          {run.inbox === "resolved" && (
            <Text size="xsmall" className="text-ui-fg-subtle">
              resolved by {run.resolved_by} · {formatDateTime(run.resolved_at)} · {run.resolution_note}
            </Text>
          )}
        </Field>
      </div>
      {run.error && (
        <Alert variant="error">
          {run.failed_step ? <strong>{run.failed_step}: </strong> : null}
          {run.error}
        </Alert>
      )}
      <StepTimeline steps={run.steps ?? []} />
      {retries.length > 0 && (
        <section>
          <Text size="small" weight="plus" className="mb-2">
            Retries
          </Text>
          <ul className="flex flex-col gap-y-2" data-testid="flow-run-retries">
            {retries.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center gap-x-3">
                {runLink(r.id)}
                <StatusBadge color={STATE_COLORS[r.state] ?? "grey"}>{humanize(r.state)}</StatusBadge>
                <Text size="xsmall" className="text-ui-fg-subtle">
                  {formatDateTime(r.started_at)}
                </Text>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  )
}

const StepTimeline = ({ steps }: { steps: FlowRunStep[] }) => (
  <Timeline
    title="Steps"
    empty="No steps recorded."
    items={steps}
    itemKey={(step) => step.name}
    itemTestId={(step) => `flow-step-${step.name}`}
  >
    {(step) => (
      <>
        <div className="flex flex-wrap items-center gap-x-2">
          <Text size="small" weight="plus" className="font-mono">
            {step.name}
          </Text>
          <StatusBadge color={STEP_COLORS[step.state] ?? "grey"}>{humanize(step.state)}</StatusBadge>
          <Text size="xsmall" className="text-ui-fg-subtle ml-auto">
            {step.attempts} attempt{step.attempts === 1 ? "" : "s"} · {step.duration_ms != null ? `${step.duration_ms} ms` : "—"}
          </Text>
        </div>
        {step.error && (
          <Text size="xsmall" className="text-ui-fg-error mt-1 whitespace-pre-wrap break-words">
            {step.error}
          </Text>
        )}
      </>
    )}
  </Timeline>
)

/** What a retry did, in the admin's words: a new run, or the held run continued from its step. */
function retryOutcome(run: FlowRun, retry: RetryResponse["retry"]): Outcome {
  const what = retry.continued ? `the run, continued from ${run.failed_step},` : "the new run"
  if (retry.state === "failed" || retry.state === "held") {
    const where = retry.state === "held" ? "is held again" : "failed too"
    return { kind: "error", text: `Retried ${run.workflow_id}: ${what} ${where} (${retry.error}). It is in the inbox.` }
  }
  return { kind: "success", text: `Retried ${run.workflow_id}: ${what} ${retry.state}.` }
}

export const config = defineRouteConfig({
  label: "Flows",
  icon: ArrowPath,
})

export default FlowsPage
