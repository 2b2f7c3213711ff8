import { defineRouteConfig } from "@medusajs/admin-sdk"
import { ShieldCheck } from "@medusajs/icons"
import { Alert, Button, Container, Heading, Table, Text } from "@medusajs/ui"
import { useState } from "react"
import { Link } from "react-router-dom"
import { ReviewStatusBadge, RiskLevelBadge } from "../../components/badges"
import { DecisionDrawer, PendingDecision } from "../../components/decision-drawer"
import { Pagination } from "../../components/pagination"
import { RiskReasons } from "../../components/risk-reasons"
import { StatusFilter } from "../../components/status-filter"
import { errorMessage } from "../../lib/api"
import { formatDateTime, formatMoney, formatRelative, humanize } from "../../lib/format"
import { PAGE_SIZE, useRiskReviews } from "../../lib/queries"
import type { RiskReview, RiskReviewStatus } from "../../lib/types"

const STATUSES = ["pending", "approved", "rejected"] as const

/** Held orders waiting for a person, riskiest first, with approve / reject. */
const RiskReviewsPage = () => {
  const [status, setStatus] = useState<RiskReviewStatus | "all">("pending")
  const [offset, setOffset] = useState(0)
  const [pending, setPending] = useState<PendingDecision | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const { data, isLoading, isError, error, isFetching } = useRiskReviews({
    status: status === "all" ? undefined : status,
    offset,
  })
  const reviews = data?.risk_reviews ?? []

  return (
    <Container className="divide-y p-0">
      <div className="flex items-center justify-between gap-x-4 px-6 py-4">
        <div>
          <Heading level="h1">Risk reviews</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Orders held by OmniFlow's risk rules. Undecided reviews are settled by the deadline policy.
          </Text>
        </div>
        <StatusFilter
          value={status}
          options={STATUSES}
          onChange={(s) => {
            setStatus(s)
            setOffset(0)
          }}
        />
      </div>
      {notice && (
        <div className="px-6 py-3">
          <Alert variant="success" dismissible>
            {notice}
          </Alert>
        </div>
      )}
      {isError ? (
        <div className="px-6 py-4">
          <Alert variant="error">Could not load risk reviews: {errorMessage(error)}</Alert>
        </div>
      ) : isLoading ? (
        <Text size="small" className="text-ui-fg-muted px-6 py-4">
          Loading…
        </Text>
      ) : reviews.length === 0 ? (
        <Text size="small" className="text-ui-fg-muted px-6 py-8 text-center">
          {status === "pending" ? "No order is waiting for review." : "No reviews."}
        </Text>
      ) : (
        <div className={isFetching ? "opacity-60 transition-opacity" : undefined}>
          <ReviewTable reviews={reviews} onDecide={(review, decision) => setPending({ review, decision })} />
          <Pagination count={data?.count ?? 0} offset={offset} pageSize={PAGE_SIZE} onOffsetChange={setOffset} />
        </div>
      )}
      <DecisionDrawer
        pending={pending}
        onClose={() => setPending(null)}
        onDecided={(result, decision) =>
          setNotice(
            `Order #${result.risk_review.order_summary?.display_id ?? result.risk_review.order_id} ${
              decision === "approve" ? "approved" : "rejected"
            } — flow is now ${humanize(result.flow.stage)}.`
          )
        }
      />
    </Container>
  )
}

const ReviewTable = ({
  reviews,
  onDecide,
}: {
  reviews: RiskReview[]
  onDecide: (review: RiskReview, decision: "approve" | "reject") => void
}) => (
  <Table>
    <Table.Header>
      <Table.Row>
        <Table.HeaderCell>Order</Table.HeaderCell>
        <Table.HeaderCell>Score</Table.HeaderCell>
        <Table.HeaderCell>Reasons</Table.HeaderCell>
        <Table.HeaderCell>Created / deadline</Table.HeaderCell>
        <Table.HeaderCell>Status</Table.HeaderCell>
        <Table.HeaderCell className="text-right">Actions</Table.HeaderCell>
      </Table.Row>
    </Table.Header>
    <Table.Body>
      {reviews.map((review) => (
        <ReviewRow key={review.id} review={review} onDecide={onDecide} />
      ))}
    </Table.Body>
  </Table>
)

const ReviewRow = ({
  review,
  onDecide,
}: {
  review: RiskReview
  onDecide: (review: RiskReview, decision: "approve" | "reject") => void
}) => {
  const order = review.order_summary ?? {}
  return (
    <Table.Row className="align-top [&_td]:py-3">
      <Table.Cell>
        <Link to={`/orders/${review.order_id}`} className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover font-medium">
          #{order.display_id ?? review.order_id}
        </Link>
        <Text size="xsmall" className="text-ui-fg-subtle">
          {order.email ?? "—"}
        </Text>
        <Text size="xsmall" className="text-ui-fg-subtle">
          {formatMoney(order.total, order.currency_code)}
        </Text>
      </Table.Cell>
      <Table.Cell>
        <div className="flex flex-col items-start gap-y-1">
          <Text size="small" weight="plus">
            {review.score}
          </Text>
          <RiskLevelBadge value={review.level} />
        </div>
      </Table.Cell>
      <Table.Cell className="max-w-[360px] whitespace-normal">
        <RiskReasons reasons={review.reasons} />
      </Table.Cell>
      <Table.Cell>
        <Text size="xsmall">{formatDateTime(review.created_at)}</Text>
        <Text size="xsmall" className={review.status === "pending" ? "text-ui-fg-base" : "text-ui-fg-subtle"}>
          due {formatDateTime(review.deadline_at)}
        </Text>
        {review.status === "pending" && (
          <Text size="xsmall" className="text-ui-fg-subtle">
            {formatRelative(review.deadline_at)}
          </Text>
        )}
      </Table.Cell>
      <Table.Cell>
        <ReviewStatusBadge value={review.status} />
        {review.status !== "pending" && (
          <Text size="xsmall" className="text-ui-fg-subtle mt-1 max-w-[220px] whitespace-normal">
            {review.decided_by === "system:deadline" ? "by deadline" : "by admin"} · {formatDateTime(review.decided_at)}
            {review.reason ? ` · ${review.reason}` : ""}
          </Text>
        )}
      </Table.Cell>
      <Table.Cell className="text-right">
        {review.status === "pending" ? (
          <div className="flex justify-end gap-x-2">
            <Button size="small" variant="secondary" onClick={() => onDecide(review, "reject")}>
              Reject
            </Button>
            <Button size="small" variant="primary" onClick={() => onDecide(review, "approve")}>
              Approve
            </Button>
          </div>
        ) : (
          <OrderLink orderId={review.order_id} />
        )}
      </Table.Cell>
    </Table.Row>
  )
}

const OrderLink = ({ orderId }: { orderId: string }) => (
  <Link to={`/orders/${orderId}`} className="text-ui-fg-subtle hover:text-ui-fg-base text-xs">
    View order
  </Link>
)

export const config = defineRouteConfig({
  label: "Risk reviews",
  icon: ShieldCheck,
})

export default RiskReviewsPage
