/** Response shapes of OmniFlow's admin routes (dates arrive as ISO strings). */

export type RiskReviewStatus = "pending" | "approved" | "rejected"

export type RiskReason = { rule: string; points: number; detail: string }

export type RiskReview = {
  id: string
  order_id: string
  status: RiskReviewStatus
  score: number
  level: string
  reasons: RiskReason[]
  order_summary: { display_id?: number | null; email?: string | null; total?: number | null; currency_code?: string | null }
  deadline_at: string
  decided_by: string | null
  decided_at: string | null
  decision_source: string | null
  reason: string | null
  note: string | null
  created_at: string
}

export type ListResponse<K extends string, T> = { [key in K]: T[] } & { count: number; limit: number; offset: number }

export type OrderFlow = {
  id: string
  order_id: string
  stage: string
  risk_score: number | null
  risk_level: string | null
  risk_decision: string | null
  risk_reasons: RiskReason[] | null
  payment_deadline_at: string | null
  failure_reason: string | null
  shipments: { location_id: string; fulfillment_id: string }[] | null
  created_at: string
  updated_at: string
}

export type OrderFlowEvent = {
  id: string
  stage: string
  status: string
  detail: Record<string, unknown> | null
  created_at: string
}

export type OmniflowView = {
  omniflow: {
    order_id: string
    flow: OrderFlow | null
    risk_review: RiskReview | null
    timeline: OrderFlowEvent[]
  }
}

export type DecisionResponse = { risk_review: RiskReview; flow: { stage: string } }

export type StockClaimStatus = "held" | "converted" | "released"

export type StockClaim = {
  id: string
  key: string
  cart_id: string
  order_id: string | null
  sales_channel_id: string | null
  status: StockClaimStatus
  lines: { inventory_item_id: string; quantity: number; sku?: string | null }[]
  note: string | null
  created_at: string
  updated_at: string
}
