/**
 * What a customer may see of their order's flow: plain statuses, no risk scores or rules.
 */
type FlowLike = { stage: string; shipments?: unknown; failure_reason?: string | null }
type EventLike = { stage: string; status: string; detail?: Record<string, any> | null; created_at: Date | string }

const warehouses = (n: number) => `shipping from ${n} warehouse${n === 1 ? "" : "s"}`

export function customerStatus(flow: FlowLike): string {
  switch (flow.stage) {
    case "assessing":
      return "order received"
    case "under_review":
      return "under review"
    case "approved":
      return "approved"
    case "capturing":
      return "processing payment"
    case "awaiting_payment":
      return "awaiting payment"
    case "paid":
      return "payment received"
    case "shipping":
      return "preparing shipment"
    case "fulfilled":
      return warehouses(Array.isArray(flow.shipments) ? flow.shipments.length : 1)
    case "rejected":
    case "canceling":
    case "canceled":
      return "canceled"
    default:
      return "delayed, we are looking into it"
  }
}

/** One customer-facing line per event that means something to them; the rest is internal. */
export function customerTimeline(events: EventLike[]): { status: string; at: Date | string; message?: string }[] {
  const out: { status: string; at: Date | string; message?: string }[] = []
  for (const e of events) {
    const key = `${e.stage}:${e.status}`
    let status: string | null = null
    let message: string | undefined
    if (key === "assessing:started") status = "order received"
    else if (key === "risk_assessment:hold") status = "under review"
    else if (key === "risk_assessment:approve" || key === "review:approved") status = "approved"
    else if (key === "payment:awaiting") status = "awaiting payment"
    else if (key === "payment:captured") status = "payment received"
    else if (key === "shipment:fulfilled") status = warehouses(Number(e.detail?.locations ?? 1))
    else if (key === "shipment:failed") status = "delayed, we are looking into it"
    else if (key === "cancel:canceled") {
      status = "canceled"
      message = e.detail?.customer_message
    }
    if (status) {
      out.push({ status, at: e.created_at, ...(message ? { message } : {}) })
    }
  }
  return out
}
