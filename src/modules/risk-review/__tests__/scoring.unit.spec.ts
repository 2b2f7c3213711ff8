import { parseOmniflowOptions } from "../../../options"
import { assessRisk, RiskFacts } from "../scoring"
import { customerStatus, customerTimeline } from "../timeline"
import { groupItemsByLocation } from "../../../workflows/order-flow/steps/create-split-fulfillments"

const rules = parseOmniflowOptions({}).riskReview

const facts = (over: Partial<RiskFacts> = {}): RiskFacts => ({
  total: 40,
  currency_code: "eur",
  previous_orders: 3,
  orders_last_hour: 0,
  items: [{ sku: "MUG-WHITE", quantity: 1 }],
  shipping_country: "de",
  billing_country: "de",
  ...over,
})

describe("risk scoring", () => {
  it("approves an ordinary order of a returning customer with score 0 and no reasons", () => {
    expect(assessRisk(facts(), rules)).toEqual({ score: 0, level: "low", decision: "approve", reasons: [] })
  })

  it("holds an order above the amount threshold on that rule alone", () => {
    const result = assessRisk(facts({ total: 10000.01 }), rules)
    expect(result.decision).toBe("hold")
    expect(result.level).toBe("medium")
    expect(result.reasons).toEqual([
      { rule: "order_total", points: 60, detail: "order total 10000.01 EUR is above 10000" },
    ])
    expect(assessRisk(facts({ total: 10000 }), rules).decision).toBe("approve")
  })

  it("explains every rule that fires and adds up their points", () => {
    const result = assessRisk(
      facts({
        previous_orders: 0,
        orders_last_hour: 2,
        items: [
          { sku: "MUG-WHITE", quantity: 2 },
          { sku: "FILTERS-100", quantity: 12 },
        ],
        shipping_country: "nl",
        billing_country: "DE",
      }),
      rules
    )
    expect(result.reasons.map((r) => r.rule)).toEqual(["first_order", "large_quantity", "velocity", "country_mismatch"])
    expect(result.reasons.find((r) => r.rule === "large_quantity")!.detail).toBe("12 × FILTERS-100 (threshold 10)")
    expect(result.reasons.find((r) => r.rule === "country_mismatch")!.detail).toBe("ships to NL, billed in DE")
    expect(result.score).toBe(15 + 25 + 30 + 20)
    expect(result.level).toBe("high")
    // Automatic rejection is off by default: the highest score is still only held.
    expect(result.decision).toBe("hold")
  })

  it("holds an order whose stock could not be reserved, whatever its other points", () => {
    const ordinary = assessRisk(facts(), rules)
    expect(ordinary.decision).toBe("approve")
    const cutOff = assessRisk(facts({ unreserved: [{ sku: "GEISHA", missing: 2 }] }), rules)
    expect(cutOff.decision).toBe("hold")
    expect(cutOff.reasons).toContainEqual({
      rule: "stock_unreserved",
      points: rules.holdScore,
      detail: "no stock left to reserve for 2 × GEISHA",
    })
    // Lines that lack nothing do not fire the rule.
    expect(assessRisk(facts({ unreserved: [{ sku: "X", missing: 0 }] }), rules).decision).toBe("approve")
  })

  it("a first order alone is not enough to hold", () => {
    const result = assessRisk(facts({ previous_orders: 0 }), rules)
    expect(result).toMatchObject({ score: 15, decision: "approve", level: "low" })
  })

  it("rejects at the reject score only when autoReject is on", () => {
    const strict = parseOmniflowOptions({ riskReview: { autoReject: true, rejectScore: 70 } }).riskReview
    expect(assessRisk(facts({ total: 20000, previous_orders: 0 }), strict).decision).toBe("reject")
    expect(assessRisk(facts({ total: 20000 }), strict).decision).toBe("hold")
  })

  it("takes weights and thresholds from the options; weight 0 switches a rule off", () => {
    const custom = parseOmniflowOptions({
      riskReview: { holdAboveAmount: 100, holdScore: 10, weights: { firstOrder: 0, orderTotal: 12 } },
    }).riskReview
    const result = assessRisk(facts({ total: 150, previous_orders: 0 }), custom)
    expect(result.reasons).toEqual([{ rule: "order_total", points: 12, detail: "order total 150 EUR is above 100" }])
    expect(result.decision).toBe("hold")
  })

  it("rejects unknown or invalid risk options at boot", () => {
    expect(() => parseOmniflowOptions({ riskReview: { holdScore: "high" } })).toThrow(/riskReview\.holdScore/)
    expect(() => parseOmniflowOptions({ riskReview: { deadlinePolicy: "ignore" } })).toThrow(/riskReview\.deadlinePolicy/)
    expect(() => parseOmniflowOptions({ orderFlow: { paymentDeadline: 5 } })).toThrow(/orderFlow\.paymentDeadline: unknown option/)
  })

  it("has documented defaults", () => {
    const o = parseOmniflowOptions({})
    expect(o.riskReview).toMatchObject({
      holdAboveAmount: 10000,
      reviewDeadlineHours: 48,
      deadlinePolicy: "reject",
      autoReject: false,
    })
    expect(o.orderFlow).toMatchObject({ paymentDeadlineMinutes: 30, enabled: true, shipAfterMinutes: 5 })
  })
})

describe("customer timeline", () => {
  it("shows plain statuses and hides risk details", () => {
    const at = "2026-01-01T00:00:00Z"
    const lines = customerTimeline([
      { stage: "assessing", status: "started", created_at: at },
      { stage: "risk_assessment", status: "hold", detail: { score: 75, reasons: [] }, created_at: at },
      { stage: "review", status: "approved", created_at: at },
      { stage: "payment", status: "capturing", created_at: at },
      { stage: "payment", status: "captured", created_at: at },
      { stage: "recommendation", status: "recorded", created_at: at },
      { stage: "shipment", status: "fulfilled", detail: { locations: 2 }, created_at: at },
    ])
    expect(lines.map((l) => l.status)).toEqual([
      "order received",
      "under review",
      "approved",
      "payment received",
      "shipping from 2 warehouses",
    ])
    expect(JSON.stringify(lines)).not.toMatch(/score/)
    expect(customerStatus({ stage: "fulfilled", shipments: [{}] })).toBe("shipping from 1 warehouse")
    expect(customerStatus({ stage: "awaiting_payment" })).toBe("awaiting payment")
  })
})

describe("split shipment grouping", () => {
  it("groups lines by the location of their reservation; unreserved lines ride along", () => {
    const groups = groupItemsByLocation(
      [
        { id: "li_a", quantity: 1 },
        { id: "li_b", quantity: 2 },
        { id: "li_c", quantity: 1 },
        { id: "li_d", quantity: 3 },
      ],
      [
        { line_item_id: "li_a", location_id: "sloc_berlin" },
        { line_item_id: "li_b", location_id: "sloc_rotterdam" },
        { line_item_id: "li_c", location_id: "sloc_berlin" },
      ]
    )
    expect(groups).toEqual([
      { location_id: "sloc_berlin", items: [{ id: "li_a", quantity: 1 }, { id: "li_c", quantity: 1 }, { id: "li_d", quantity: 3 }] },
      { location_id: "sloc_rotterdam", items: [{ id: "li_b", quantity: 2 }] },
    ])
    expect(groupItemsByLocation([{ id: "li_x", quantity: 1 }], [])).toEqual([
      { location_id: null, items: [{ id: "li_x", quantity: 1 }] },
    ])
  })
})
