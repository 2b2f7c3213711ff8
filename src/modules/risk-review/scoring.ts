import type { OmniflowOptions } from "../../options"

export type RiskRuleId =
  | "order_total"
  | "first_order"
  | "large_quantity"
  | "velocity"
  | "country_mismatch"
  | "stock_unreserved"
export type RiskReason = { rule: RiskRuleId; points: number; detail: string }
export type RiskLevel = "low" | "medium" | "high"
export type RiskDecision = "approve" | "hold" | "reject"

export type RiskAssessment = {
  score: number
  level: RiskLevel
  decision: RiskDecision
  reasons: RiskReason[]
}

/** What the rules look at; gathered from the order and its customer's history beforehand. */
export type RiskFacts = {
  total: number
  currency_code: string
  /** Orders placed before this one by the same customer or email. */
  previous_orders: number
  /** Of those, the ones placed within the hour before this one. */
  orders_last_hour: number
  items: { sku?: string | null; title?: string | null; quantity: number }[]
  shipping_country?: string | null
  billing_country?: string | null
  /**
   * Units of this order that could not be reserved (a completion cut off by a crash whose
   * stock was gone by the time it was recovered). Any such unit holds the order for a person.
   */
  unreserved?: { sku?: string | null; missing: number }[]
}

export type RiskRules = OmniflowOptions["riskReview"]

/**
 * Scores an order with explainable rules: every rule that fires adds its weight and says
 * why. No I/O, so the same facts always give the same answer.
 */
export function assessRisk(facts: RiskFacts, rules: RiskRules): RiskAssessment {
  const w = rules.weights
  const reasons: RiskReason[] = []
  const fire = (rule: RiskRuleId, points: number, detail: string) => {
    if (points > 0) {
      reasons.push({ rule, points, detail })
    }
  }

  if (facts.total > rules.holdAboveAmount) {
    fire(
      "order_total",
      w.orderTotal,
      `order total ${facts.total} ${facts.currency_code.toUpperCase()} is above ${rules.holdAboveAmount}`
    )
  }
  if (facts.previous_orders === 0) {
    fire("first_order", w.firstOrder, "first order of this customer / email")
  }
  const largest = [...facts.items].sort((a, b) => b.quantity - a.quantity)[0]
  if (largest && largest.quantity >= rules.largeQuantity) {
    fire(
      "large_quantity",
      w.largeQuantity,
      `${largest.quantity} × ${largest.sku || largest.title || "item"} (threshold ${rules.largeQuantity})`
    )
  }
  if (facts.orders_last_hour >= rules.velocityOrders) {
    fire(
      "velocity",
      w.velocity,
      `${facts.orders_last_hour} other orders from this customer / email within the last hour`
    )
  }
  const ship = facts.shipping_country?.toLowerCase()
  const bill = facts.billing_country?.toLowerCase()
  if (ship && bill && ship !== bill) {
    fire("country_mismatch", w.countryMismatch, `ships to ${ship.toUpperCase()}, billed in ${bill.toUpperCase()}`)
  }

  const unreserved = (facts.unreserved ?? []).filter((u) => u.missing > 0)
  if (unreserved.length) {
    // Not a weight to tune: an order the shop may not be able to ship always needs a person.
    reasons.push({
      rule: "stock_unreserved",
      points: rules.holdScore,
      detail: `no stock left to reserve for ${unreserved.map((u) => `${u.missing} × ${u.sku || "item"}`).join(", ")}`,
    })
  }

  const score = reasons.reduce((s, r) => s + r.points, 0)
  const level: RiskLevel = score >= rules.rejectScore ? "high" : score >= rules.holdScore ? "medium" : "low"
  const decision: RiskDecision =
    rules.autoReject && score >= rules.rejectScore ? "reject" : score >= rules.holdScore || unreserved.length ? "hold" : "approve"
  return { score, level, decision, reasons }
}
