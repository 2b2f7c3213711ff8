import { defineRouteConfig } from "@medusajs/admin-sdk"
import { ShieldCheck } from "@medusajs/icons"
import { Alert, Button, Table, Text } from "@medusajs/ui"
import { useState } from "react"
import { Link } from "react-router-dom"
import { ReviewStatusBadge, RiskLevelBadge } from "../../components/badges"
import { DecisionDrawer, PendingDecision } from "../../components/decision-drawer"
import { ListPage, useStatusPaging } from "../../components/list-page"
import { RiskReasons } from "../../components/risk-reasons"
import { formatDateTime, formatMoney, formatRelative, humanize } from "../../lib/format"
import { useRiskReviews } from "../../lib/queries"
import type { RiskReview, RiskReviewStatus } from "../../lib/types"

const STATUSES = ["pending", "approved", "rejected"] as const

/** Held orders waiting for a person, riskiest first, with approve / reject. */
const RiskReviewsPage = () => {
  const paging = useStatusPaging<RiskReviewStatus>("pending")
  const [pending, setPending] = useState<PendingDecision | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const query = useRiskReviews({ status: paging.statusFilter, offset: paging.offset })
  const reviews = query.data?.risk_reviews ?? []

  return (
    <ListPage
      title="Risk reviews"
      subtitle="Orders held by OmniFlow's risk rules. Undecided reviews are settled by the deadline policy."
      statuses={STATUSES}
      paging={paging}
      query={query}
      count={query.data?.count ?? 0}
      empty={reviews.length === 0}
      emptyText={paging.status === "pending" ? "No order is waiting for review." : "No reviews."}
      banner={
        notice && (
          <div className="px-6 py-3">
            <Alert variant="success" dismissible>
              {notice}
            </Alert>
          </div>
        )
      }
      after={
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
      }
    >
      <ReviewTable reviews={reviews} onDecide={(review, decision) => setPending({ review, decision })} />
    </ListPage>
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
