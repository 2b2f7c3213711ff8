import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
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

export function useOrderOmniflow(orderId: string) {
  return useQuery({
    queryKey: [ROOT, "order", orderId],
    queryFn: () => adminFetch<OmniflowView>(`/admin/orders/${encodeURIComponent(orderId)}/omniflow`),
  })
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
