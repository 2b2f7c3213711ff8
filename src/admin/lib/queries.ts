import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { useEffect, useRef } from "react"
import { adminFetch } from "./api"
import type { DecisionResponse, ListResponse, OmniflowView, RiskReview, RiskReviewStatus, StockClaim, StockClaimStatus } from "./types"

// The dashboard provides the QueryClient; everything OmniFlow caches lives under this key
// so a decision can refresh the review list and the order widget together.
const ROOT = "omniflow"

export const PAGE_SIZE = 20

export function useRiskReviews(params: { status?: RiskReviewStatus; offset: number }) {
  return useQuery({
    queryKey: [ROOT, "risk-reviews", params],
    queryFn: () =>
      adminFetch<ListResponse<"risk_reviews", RiskReview>>("/admin/risk-reviews", {
        query: { status: params.status, limit: PAGE_SIZE, offset: params.offset, order: "-score" },
      }),
    // Keeps the current page on screen while the next one loads.
    placeholderData: keepPreviousData,
  })
}

/**
 * Stages an order flow leaves by itself, usually within seconds: capture, shipment and
 * cancellation run in the background after the decision that led there. The others wait
 * for a person (under_review), the customer (awaiting_payment), or are final.
 */
const MOVING_STAGES = new Set(["assessing", "approved", "capturing", "paid", "shipping", "canceling", "rejected"])

/** How often an order page re-reads a flow that is moving on by itself. */
export const ORDER_FLOW_POLL_MS = 2000

/**
 * OmniFlow's view of one order. While the flow is moving on by itself it is read again
 * every couple of seconds, so the page follows it to the next stage without a reload.
 */
export function useOrderOmniflow(orderId: string) {
  const queryClient = useQueryClient()
  const query = useQuery({
    queryKey: [ROOT, "order", orderId],
    queryFn: () => adminFetch<OmniflowView>(`/admin/orders/${encodeURIComponent(orderId)}/omniflow`),
    refetchInterval: (q) => (MOVING_STAGES.has(q.state.data?.omniflow.flow?.stage ?? "") ? ORDER_FLOW_POLL_MS : false),
  })

  // A new stage means the flow captured, shipped or canceled something in core's order:
  // core's own boxes on the page (payment, fulfilment) read it again, or they would keep
  // offering what was just done (e.g. "Capture payment" after the flow captured).
  const stage = query.data?.omniflow.flow?.stage
  // Remembered with its order: opening another order is not a change of stage.
  const seen = useRef({ orderId, stage })
  useEffect(() => {
    const last = seen.current
    if (last.orderId === orderId && last.stage !== undefined && stage !== undefined && stage !== last.stage) {
      void queryClient.invalidateQueries({ queryKey: ["orders"] })
    }
    seen.current = { orderId, stage }
  }, [orderId, stage, queryClient])

  return query
}

export function useStockClaims(params: { status?: StockClaimStatus; offset: number }) {
  return useQuery({
    queryKey: [ROOT, "stock-claims", params],
    queryFn: () =>
      adminFetch<ListResponse<"claims", StockClaim>>("/admin/inventory-dedup/claims", {
        query: { status: params.status, limit: PAGE_SIZE, offset: params.offset },
      }),
    placeholderData: keepPreviousData,
  })
}

export type Decision =
  | { decision: "approve"; note?: string }
  | { decision: "reject"; reason: string; note?: string }

export function useDecideRiskReview(reviewId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ decision, ...body }: Decision) =>
      adminFetch<DecisionResponse>(`/admin/risk-reviews/${encodeURIComponent(reviewId)}/${decision}`, {
        method: "POST",
        body,
      }),
    // Refreshed on failure too: a 409 means someone else decided, and the list should say so.
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: [ROOT] })
      // Approval captures payment and may ship; rejection cancels. The core order page shows both.
      void queryClient.invalidateQueries({ queryKey: ["orders"] })
    },
  })
}
