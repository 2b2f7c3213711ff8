import { defineRouteConfig } from "@medusajs/admin-sdk"
import { ArrowPath } from "@medusajs/icons"
import { Alert, Button, StatusBadge, Table, Text, Textarea } from "@medusajs/ui"
import { useState } from "react"
import { Link } from "react-router-dom"
import { ListPage, useStatusPaging } from "../../components/list-page"
import { errorMessage } from "../../lib/api"
import { FlowRun, InboxState, useFlowMetrics, useFlowRuns, useResolveFlowRun, useRetryFlowRun } from "../../lib/flow-runs"
import { formatDateTime, humanize } from "../../lib/format"

const INBOX: readonly InboxState[] = ["open", "retried", "resolved"]

const STATE_COLORS: Record<string, "green" | "red" | "blue" | "orange" | "grey"> = {
  running: "blue",
  waiting: "orange",
  succeeded: "green",
  failed: "red",
  compensated: "red",
  timed_out: "red",
}

type Outcome = { kind: "success" | "error"; text: string } | null

/**
 * Every run of OmniFlow's flows (and the checkout), and the inbox of the ones that failed,
 * were compensated or timed out: retry one (a new run with the same input) or resolve it
 * with a note.
 */
const FlowsPage = () => {
  const paging = useStatusPaging<InboxState>("open")
  const query = useFlowRuns({ inbox: paging.statusFilter, offset: paging.offset })
  const runs = query.data?.flow_runs ?? []
  const [outcome, setOutcome] = useState<Outcome>(null)

  return (
    <ListPage
      title="Flows"
      subtitle="Failed runs wait in the inbox until someone retries or resolves them. “All” lists every recorded run."
      statuses={INBOX}
      paging={paging}
      query={query}
      count={query.data?.count ?? 0}
      empty={runs.length === 0}
      emptyText={paging.status === "open" ? "The inbox is empty." : "No runs."}
      banner={
        <>
          <MetricsStrip />
          {outcome && (
            <div className="px-6 py-3">
              <Alert variant={outcome.kind} dismissible>
                {outcome.text}
              </Alert>
            </div>
          )}
        </>
      }
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
            <RunRow key={run.id} run={run} onOutcome={setOutcome} />
          ))}
        </Table.Body>
      </Table>
    </ListPage>
  )
}

const MetricsStrip = () => {
  const { data } = useFlowMetrics()
  if (!data) return null
  return (
    <div className="flex flex-wrap gap-x-6 gap-y-2 px-6 py-3" data-testid="flow-metrics">
      <Text size="small" weight="plus">
        Inbox: {data.inbox.open}
      </Text>
      {data.flows.map((f) => (
        <Text key={f.workflow_id} size="small" className="text-ui-fg-subtle">
          {f.workflow_id}: {f.runs} run(s) in 24 h, {f.by_state.failed ?? 0} failed
          {f.duration_ms.p50 != null ? `, p50 ${f.duration_ms.p50} ms, p95 ${f.duration_ms.p95} ms` : ""}
        </Text>
      ))}
    </div>
  )
}

const RunRow = ({ run, onOutcome }: { run: FlowRun; onOutcome: (o: Outcome) => void }) => {
  const retry = useRetryFlowRun()
  const resolve = useResolveFlowRun()
  const [resolving, setResolving] = useState(false)
  const [note, setNote] = useState("")

  const doRetry = () =>
    retry.mutate(run.id, {
      onSuccess: (r) =>
        onOutcome(
          r.retry.state === "failed"
            ? { kind: "error", text: `Retried ${run.workflow_id}: the new run failed too (${r.retry.error}). It is in the inbox.` }
            : { kind: "success", text: `Retried ${run.workflow_id}: the new run ${r.retry.state}.` }
        ),
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
    <Table.Row className="align-top [&_td]:py-3" data-testid={`flow-run-${run.id}`}>
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
        {run.subject_type === "order" && run.subject_id ? (
          <Link to={`/orders/${run.subject_id}`} className="text-ui-fg-interactive text-xs">
            order {run.subject_id}
          </Link>
        ) : (
          <Text size="xsmall">{run.subject_id ? `${run.subject_type} ${run.subject_id}` : "—"}</Text>
        )}
      </Table.Cell>
      <Table.Cell>
        <Text size="xsmall">{run.trigger_name ?? run.trigger}</Text>
        <Text size="xsmall" className="text-ui-fg-subtle">
          {run.actor_type ?? "system"}
          {run.actor_id ? ` ${run.actor_id}` : ""}
        </Text>
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
      <Table.Cell className="text-right">
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

export const config = defineRouteConfig({
  label: "Flows",
  icon: ArrowPath,
})

export default FlowsPage
