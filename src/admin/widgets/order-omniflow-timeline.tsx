import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminOrder, DetailWidgetProps } from "@medusajs/framework/types"
import { Alert, Button, Container, Heading, Text } from "@medusajs/ui"
import { useState } from "react"
import { ReviewStatusBadge, RiskLevelBadge, StageBadge } from "../components/badges"
import { DecisionDrawer, PendingDecision } from "../components/decision-drawer"
import { RiskReasons } from "../components/risk-reasons"
import { errorMessage } from "../lib/api"
import { formatDateTime, formatDetail, formatRelative, humanize } from "../lib/format"
import { useOrderOmniflow } from "../lib/queries"
import type { OrderFlow, OrderFlowEvent, RiskReview } from "../lib/types"
import { Field } from "../components/field"
import { Timeline } from "../components/timeline"

/** Who did something, as the admin API resolves it from the ids it records. */
type Actor = { type: "user" | "api_key" | "system" | "unknown"; id: string; name: string; email?: string | null }
/** A timeline entry with its wording (the title names who decided); older servers send only the raw fields. */
type ReadableEvent = OrderFlowEvent & { title?: string; summary?: string; actor?: Actor | null }
type ReadableReview = RiskReview & { decided_by_actor?: Actor | null }

const actorLabel = (actor: Actor) => (actor.email && actor.email !== actor.name ? `${actor.name} (${actor.email})` : actor.name)

/** Where the order stands in OmniFlow: stage, risk, review, and every step taken. */
const OrderOmniflowWidget = ({ data: order }: DetailWidgetProps<AdminOrder>) => {
  const { data, isLoading, isError, error } = useOrderOmniflow(order.id)
  const [pending, setPending] = useState<PendingDecision | null>(null)
  const view = data?.omniflow

  return (
    <Container className="divide-y p-0">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">OmniFlow</Heading>
        {view?.flow && <StageBadge value={view.flow.stage} />}
      </div>
      {isError ? (
        <div className="px-6 py-4">
          <Alert variant="error">Could not load the order's flow: {errorMessage(error)}</Alert>
        </div>
      ) : isLoading || !view ? (
        <Text size="small" className="text-ui-fg-muted px-6 py-4">
          Loading…
        </Text>
      ) : !view.flow ? (
        <Text size="small" className="text-ui-fg-subtle px-6 py-4">
          No OmniFlow flow for this order (placed before the plugin was enabled, or the flow is turned off).
        </Text>
      ) : (
        <>
          <FlowSummary flow={view.flow} />
          {view.risk_review && (
            <ReviewSection
              review={view.risk_review as ReadableReview}
              onDecide={(decision) => setPending({ review: view.risk_review!, decision })}
            />
          )}
          <EventTimeline events={view.timeline as ReadableEvent[]} />
        </>
      )}
      <DecisionDrawer pending={pending} onClose={() => setPending(null)} />
    </Container>
  )
}


const FlowSummary = ({ flow }: { flow: OrderFlow }) => (
  <>
    <Field label="Risk">
      <div className="flex items-center gap-x-2">
        <Text size="small" weight="plus">
          {flow.risk_score ?? "—"}
        </Text>
        <RiskLevelBadge value={flow.risk_level} />
        {flow.risk_decision && (
          <Text size="small" className="text-ui-fg-subtle">
            decision: {flow.risk_decision}
          </Text>
        )}
      </div>
      <div className="mt-2">
        <RiskReasons reasons={flow.risk_reasons} />
      </div>
    </Field>
    {flow.payment_deadline_at && flow.stage === "awaiting_payment" && (
      <Field label="Payment due">
        <Text size="small">
          {formatDateTime(flow.payment_deadline_at)} ({formatRelative(flow.payment_deadline_at)})
        </Text>
      </Field>
    )}
    {!!flow.shipments?.length && (
      <Field label="Shipments">
        <Text size="small">
          {flow.shipments.length} fulfilment{flow.shipments.length === 1 ? "" : "s"}, one per warehouse
        </Text>
      </Field>
    )}
    {flow.failure_reason && (
      <div className="px-6 py-3">
        <Alert variant="error">{flow.failure_reason}</Alert>
      </div>
    )}
  </>
)

const ReviewSection = ({
  review,
  onDecide,
}: {
  review: ReadableReview
  onDecide: (decision: "approve" | "reject") => void
}) => (
  <Field label="Review">
    <div className="flex flex-wrap items-center justify-between gap-2">
      <div className="flex items-center gap-x-2">
        <ReviewStatusBadge value={review.status} />
        <Text size="small" className="text-ui-fg-subtle">
          {review.status === "pending"
            ? `due ${formatDateTime(review.deadline_at)} (${formatRelative(review.deadline_at)})`
            : `${decidedBy(review)} · ${formatDateTime(review.decided_at)}`}
        </Text>
      </div>
      {review.status === "pending" && (
        <div className="flex gap-x-2">
          <Button size="small" variant="secondary" onClick={() => onDecide("reject")}>
            Reject
          </Button>
          <Button size="small" variant="primary" onClick={() => onDecide("approve")}>
            Approve
          </Button>
        </div>
      )}
    </div>
    {(review.reason || review.note) && (
      <Text size="small" className="text-ui-fg-subtle mt-1">
        {[review.reason, review.note].filter(Boolean).join(" — ")}
      </Text>
    )}
  </Field>
)

function decidedBy(review: ReadableReview): string {
  if (review.decided_by === "system:deadline" || review.decided_by_actor?.type === "system") return "at the deadline"
  return review.decided_by_actor ? `by ${actorLabel(review.decided_by_actor)}` : "by admin"
}

const EventTimeline = ({ events }: { events: ReadableEvent[] }) => (
  <Timeline
    title="Timeline"
    empty="Nothing recorded yet."
    items={events}
    itemKey={(e) => e.id}
    className="px-6 py-4"
    titleClassName="text-ui-fg-subtle mb-3"
  >
    {(e) => (
      <>
        <div className="flex flex-wrap items-baseline gap-x-2">
          <Text size="small" weight="plus">
            {e.title ?? `${humanize(e.stage)} · ${humanize(e.status)}`}
          </Text>
          <Text size="xsmall" className="text-ui-fg-muted ml-auto">
            {formatDateTime(e.created_at)}
          </Text>
        </div>
        {e.summary ? (
          <Text size="xsmall" className="text-ui-fg-subtle">
            {e.summary}
          </Text>
        ) : (
          e.title === undefined &&
          e.detail && (
            <Text size="xsmall" className="text-ui-fg-subtle break-all">
              {formatDetail(e.detail)}
            </Text>
          )
        )}
        {e.title !== undefined && e.detail && (
          <details className="mt-1">
            <summary className="text-ui-fg-muted txt-compact-xsmall cursor-pointer select-none">
              Recorded data ({humanize(e.stage)} · {humanize(e.status)})
            </summary>
            <Text size="xsmall" className="text-ui-fg-muted break-all">
              {formatDetail(e.detail)}
            </Text>
          </details>
        )}
      </>
    )}
  </Timeline>
)

export const config = defineWidgetConfig({
  zone: "order.details.after",
})

export default OrderOmniflowWidget
