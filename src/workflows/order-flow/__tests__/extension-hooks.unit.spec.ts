import fs from "fs"
import path from "path"
import { parseOmniflowOptions } from "../../../options"
import { assessRisk, RiskFacts } from "../../../modules/risk-review"
import { beforeShipmentHookResultSchema, mergeRiskAssessment, riskAssessedHookResultSchema } from "../extension"
import { RiskThresholds } from "../steps/get-order-flow-options"
import { fitGroupsToUnfulfilled } from "../steps/create-split-fulfillments"

const options = parseOmniflowOptions({}).riskReview
const thresholds: RiskThresholds = { holdScore: options.holdScore, rejectScore: options.rejectScore, autoReject: false }

const facts = (over: Partial<RiskFacts> = {}): RiskFacts => ({
  total: 40,
  currency_code: "eur",
  previous_orders: 0,
  orders_last_hour: 0,
  items: [{ sku: "MUG-WHITE", quantity: 1 }],
  shipping_country: "de",
  billing_country: "de",
  ...over,
})

describe("riskAssessed: merging a shop's extension into the assessment", () => {
  const firstOrder = assessRisk(facts(), options) // first_order: 15 points, approved

  it("leaves the plugin's assessment as it is when the handler returns nothing", () => {
    for (const extension of [undefined, {}, { reasons: [] }]) {
      expect(mergeRiskAssessment(firstOrder, extension, thresholds)).toEqual({
        ...firstOrder,
        override: null,
        rules_assessment: null,
      })
    }
  })

  it("adds a shop's rule with its points, and the new score decides", () => {
    const merged = mergeRiskAssessment(
      firstOrder,
      { reasons: [{ rule: "disposable_email", points: 40, detail: "disposable email domain" }] },
      thresholds
    )
    expect(firstOrder.decision).toBe("approve")
    expect(merged).toMatchObject({ score: 55, level: "medium", decision: "hold", override: null })
    expect(merged.reasons.map((r) => r.rule)).toEqual(["first_order", "disposable_email"])
    expect(merged.rules_assessment).toEqual(firstOrder)

    // Below the hold score it stays approved, and reaching rejectScore only rejects with autoReject.
    expect(mergeRiskAssessment(firstOrder, { reasons: [{ rule: "x", points: 34, detail: "" }] }, thresholds).decision).toBe(
      "approve"
    )
    const many = { reasons: [{ rule: "x", points: 70, detail: "" }] }
    expect(mergeRiskAssessment(firstOrder, many, thresholds)).toMatchObject({ score: 85, level: "high", decision: "hold" })
    expect(mergeRiskAssessment(firstOrder, many, { ...thresholds, autoReject: true }).decision).toBe("reject")
  })

  it("lets an explicit decision win over the score, and records both", () => {
    const held = assessRisk(facts({ total: 20000 }), options)
    expect(held.decision).toBe("hold")
    const merged = mergeRiskAssessment(held, { decision: "approve", note: "wholesale account" }, thresholds)
    expect(merged).toMatchObject({
      score: held.score,
      decision: "approve",
      override: { decision: "approve", score_decision: "hold", note: "wholesale account" },
    })
    // Extra points and an override together: the points are kept, the override decides.
    expect(
      mergeRiskAssessment(firstOrder, { reasons: [{ rule: "x", points: 50, detail: "" }], decision: "reject" }, thresholds)
    ).toMatchObject({ score: 65, decision: "reject", override: { score_decision: "hold" } })
  })

  it("keeps an order with unreservable stock held unless the shop decides otherwise", () => {
    const unreserved = assessRisk(facts({ previous_orders: 3, unreserved: [{ sku: "A", missing: 1 }] }), options)
    const lowered = { ...unreserved, reasons: unreserved.reasons.map((r) => ({ ...r, points: 0 })), score: 0 }
    expect(mergeRiskAssessment(lowered, { reasons: [{ rule: "x", points: 1, detail: "" }] }, thresholds).decision).toBe("hold")
  })

  it("validates what a handler returns", () => {
    expect(riskAssessedHookResultSchema.parse(undefined)).toBeUndefined()
    expect(riskAssessedHookResultSchema.parse({ decision: "approve" })).toEqual({ decision: "approve" })
    expect(() => riskAssessedHookResultSchema.parse({ decision: "maybe" })).toThrow()
    expect(() => riskAssessedHookResultSchema.parse({ reasons: [{ rule: "x", points: -5, detail: "" }] })).toThrow()
    expect(() => riskAssessedHookResultSchema.parse({ reason: [] })).toThrow() // a typo is not silently ignored
  })
})

describe("beforeShipment: fitting a shop's groups to what is unfulfilled", () => {
  const unfulfilled = [
    { id: "li_a", quantity: 2 },
    { id: "li_b", quantity: 1 },
  ]
  const lines = ["li_a", "li_b", "li_done"]

  it("keeps groups that cover the order, with their carrier", () => {
    const groups = [
      { location_id: "sloc_1", items: [{ id: "li_a", quantity: 2 }], shipping_option_id: "so_freight" },
      { location_id: "sloc_1", items: [{ id: "li_b", quantity: 1 }] },
    ]
    expect(fitGroupsToUnfulfilled(groups, unfulfilled, lines)).toEqual(groups)
  })

  it("never ships more than is left, merges a line named twice and drops empty groups", () => {
    expect(
      fitGroupsToUnfulfilled(
        [
          { location_id: null, items: [{ id: "li_a", quantity: 1 }, { id: "li_a", quantity: 5 }, { id: "li_b", quantity: 1 }] },
          { location_id: "sloc_2", items: [{ id: "li_b", quantity: 1 }, { id: "li_done", quantity: 1 }] },
        ],
        unfulfilled,
        lines
      )
    ).toEqual([{ location_id: null, items: [{ id: "li_a", quantity: 2 }, { id: "li_b", quantity: 1 }] }])
  })

  it("fails before anything ships when a line is not the order's or something is left out", () => {
    expect(() =>
      fitGroupsToUnfulfilled([{ location_id: null, items: [{ id: "li_other", quantity: 1 }] }], unfulfilled, lines)
    ).toThrow(/li_other, which is not a line of this order/)
    expect(() =>
      fitGroupsToUnfulfilled([{ location_id: null, items: [{ id: "li_a", quantity: 2 }] }], unfulfilled, lines)
    ).toThrow(/leave 1 × li_b unshipped/)
  })

  it("validates what a handler returns", () => {
    expect(beforeShipmentHookResultSchema.parse(undefined)).toBeUndefined()
    expect(() => beforeShipmentHookResultSchema.parse({ groups: [{ location_id: "s", items: [] }] })).toThrow()
    expect(() => beforeShipmentHookResultSchema.parse({ groups: [{ location_id: "s", items: [{ id: "li", quantity: 0 }] }] })).toThrow()
    expect(() => beforeShipmentHookResultSchema.parse({ group: [] })).toThrow()
  })
})

describe("medusa-plugin-omniflow/workflows", () => {
  const root = path.resolve(__dirname, "../..")
  const sources = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name)
      if (e.isDirectory()) return e.name === "__tests__" || e.name === "hooks" ? [] : sources(full)
      return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") && full !== path.join(root, "index.ts") ? [full] : []
    })

  it("exports every workflow and step of the plugin, each under its own name", () => {
    const index = require(path.join(root, "index.ts"))
    const missing: string[] = []
    let count = 0
    for (const file of sources(root)) {
      for (const [name, value] of Object.entries(require(file))) {
        if (/(Step|Workflow)$/.test(name) && typeof value === "function") {
          count++
          if (index[name] !== value) missing.push(`${name} (${path.relative(root, file)})`)
        }
      }
    }
    expect(missing).toEqual([])
    expect(count).toBeGreaterThan(30)
  })

  it("exposes the order flow's hooks", () => {
    const index = require(path.join(root, "index.ts"))
    expect(Object.keys(index.orderFlowWorkflow.hooks).sort()).toEqual([
      "beforeShipment",
      "orderApproved",
      "orderCanceled",
      "riskAssessed",
    ])
  })
})
