import { Alert, Button, Drawer, Input, Label, Text, Textarea } from "@medusajs/ui"
import { FormEvent, useEffect, useState } from "react"
import { AdminApiError, errorMessage } from "../lib/api"
import { formatMoney } from "../lib/format"
import { useDecideRiskReview } from "../lib/queries"
import type { DecisionResponse, RiskReview } from "../lib/types"

export type PendingDecision = { review: RiskReview; decision: "approve" | "reject" }

type Props = {
  /** The review and action being decided; null keeps the drawer closed. */
  pending: PendingDecision | null
  onClose: () => void
  onDecided?: (result: DecisionResponse, decision: "approve" | "reject") => void
}

/**
 * Approve (optional note) or reject (required reason, optional note) one review.
 * It lives outside the rows that open it: a decision refreshes the list, and a row that
 * is no longer pending disappears — the drawer and its error message must not go with it.
 */
export const DecisionDrawer = ({ pending, onClose, onDecided }: Props) => {
  // Reviews found decided elsewhere (a 409), with their status now. Kept here rather than
  // in the form, which starts afresh at every opening: reopening such a review, for either
  // decision, still says so and offers nothing to send.
  const [decidedElsewhere, setDecidedElsewhere] = useState<Record<string, string>>({})
  const onConflict = (reviewId: string, status: string) =>
    setDecidedElsewhere((known) => ({ ...known, [reviewId]: status }))

  return (
    <Drawer open={!!pending} onOpenChange={(open) => !open && onClose()}>
      <Drawer.Content>
        {/* Keyed so each opening starts with an empty form and no stale error. */}
        {pending && (
          <DecisionForm
            key={`${pending.review.id}:${pending.decision}`}
            {...pending}
            decidedAs={decidedElsewhere[pending.review.id] ?? null}
            onConflict={onConflict}
            onClose={onClose}
            onDecided={onDecided}
          />
        )}
      </Drawer.Content>
    </Drawer>
  )
}

/**
 * The status a 409 from approve/reject reports the review in, or null for any other error.
 * The API sends it as `status`; its message ("… is already approved") is the fallback.
 */
function conflictStatus(err: unknown): string | null {
  if (!(err instanceof AdminApiError) || err.status !== 409) return null
  const body = err.body as { status?: unknown } | null
  if (body && typeof body.status === "string") return body.status
  return /already (\w+)/.exec(err.message)?.[1] ?? "decided"
}

const DecisionForm = ({
  review,
  decision,
  decidedAs,
  onConflict,
  onClose,
  onDecided,
}: PendingDecision &
  Pick<Props, "onClose" | "onDecided"> & {
    /** Set once the API said someone else decided this review: its status now. */
    decidedAs: string | null
    onConflict: (reviewId: string, status: string) => void
  }) => {
  const [reason, setReason] = useState("")
  const [note, setNote] = useState("")
  const [error, setError] = useState<string | null>(null)
  const mutation = useDecideRiskReview(review.id)
  const isReject = decision === "reject"

  useEffect(() => setError(null), [reason, note])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (decidedAs) return
    if (isReject && !reason.trim()) {
      setError("A reason is required to reject an order.")
      return
    }
    const trimmedNote = note.trim() || undefined
    try {
      const result = await mutation.mutateAsync(
        isReject ? { decision, reason: reason.trim(), note: trimmedNote } : { decision, note: trimmedNote }
      )
      onDecided?.(result, decision)
      onClose()
    } catch (err) {
      const status = conflictStatus(err)
      if (status) onConflict(review.id, status)
      else setError(errorMessage(err))
    }
  }

  const order = review.order_summary ?? {}
  // The admin knows the order by its number; the review's own id means nothing to them.
  const orderName = order.display_id != null ? `Order #${order.display_id}` : "This order"
  return (
    <form onSubmit={submit} className="flex h-full flex-col">
      <Drawer.Header>
        <Drawer.Title>
          {isReject ? "Reject" : "Approve"} order #{order.display_id ?? review.order_id}
        </Drawer.Title>
      </Drawer.Header>
      <Drawer.Body className="flex flex-1 flex-col gap-y-4 overflow-y-auto">
        <Text size="small" className="text-ui-fg-subtle">
          {order.email ?? "unknown customer"} · {formatMoney(order.total, order.currency_code)} · score {review.score}
        </Text>
        <Text size="small" className="text-ui-fg-subtle">
          {isReject
            ? "The order will be canceled: stock returned, payment canceled or refunded, customer notified."
            : "The order's payment will be captured and it will ship from the warehouses holding its stock."}
        </Text>
        {isReject && (
          <div className="flex flex-col gap-y-2">
            <Label htmlFor="omniflow-reason" weight="plus">
              Reason
            </Label>
            <Input
              id="omniflow-reason"
              value={reason}
              maxLength={500}
              placeholder="e.g. billing address does not match the card"
              onChange={(e) => setReason(e.target.value)}
              autoFocus
            />
          </div>
        )}
        <div className="flex flex-col gap-y-2">
          <Label htmlFor="omniflow-note" weight="plus">
            Note <span className="text-ui-fg-muted font-normal">(optional, internal)</span>
          </Label>
          <Textarea id="omniflow-note" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
        </div>
        {decidedAs && (
          <Alert variant="warning">
            {orderName} is already {decidedAs}: it was decided elsewhere, so this decision was not recorded.
          </Alert>
        )}
        {error && <Alert variant="error">{error}</Alert>}
      </Drawer.Body>
      <Drawer.Footer>
        <Button type="button" variant="secondary" size="small" onClick={onClose}>
          Cancel
        </Button>
        <Button
          type="submit"
          variant={isReject ? "danger" : "primary"}
          size="small"
          isLoading={mutation.isPending}
          disabled={!!decidedAs}
        >
          {isReject ? "Reject order" : "Approve order"}
        </Button>
      </Drawer.Footer>
    </form>
  )
}
