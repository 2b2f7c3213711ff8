import { Actor, describeEvent, FlowEvent, formatTime, Names } from "../readable"

const at = "2026-11-21T14:05:09.000Z"
const ada: Actor = { type: "user", id: "user_1", name: "Ada Lovelace", email: "ada@example.com" }
const names: Names = {
  actors: new Map<string, Actor>([
    ["user_1", ada],
    ["system:deadline", { type: "system", id: "system:deadline", name: "Review deadline" }],
  ]),
  locations: new Map([["sloc_ber", "Berlin"]]),
}
const event = (stage: string, status: string, detail: Record<string, unknown> | null = null): FlowEvent => ({
  id: "ofev_1",
  stage,
  status,
  detail,
  created_at: at,
})

describe("admin timeline in words", () => {
  it("keeps the raw event and adds a title and summary", () => {
    const e = event("risk_assessment", "hold", {
      score: 75,
      level: "high",
      reasons: [{ rule: "order_total", points: 60, detail: "order total 120 EUR is above 50" }],
      review_deadline_at: at,
    })
    const readable = describeEvent(e, names)
    expect(readable).toMatchObject({ ...e, title: "Held for review", actor: null })
    expect(readable.summary).toBe(
      "Score 75 (high risk): order total 120 EUR is above 50 (+60). Review due by 2026-11-21 14:05 UTC"
    )
  })

  it("names the admin who decided, or the deadline", () => {
    const byAda = describeEvent(
      event("review", "rejected", { decided_by: "user_1", source: "admin", reason: "stolen card", note: null }),
      names
    )
    expect(byAda).toMatchObject({ title: "Rejected by Ada Lovelace (ada@example.com)", summary: "Reason: stolen card", actor: ada })
    const byDeadline = describeEvent(event("review", "approved", { decided_by: "system:deadline", source: "deadline" }), names)
    expect(byDeadline.title).toBe("Approved at the review deadline")
  })

  it("names warehouses and counts items of a shipment", () => {
    const shipped = describeEvent(
      event("shipment", "fulfilled", {
        locations: 2,
        shipments: [
          { location_id: "sloc_ber", items: [{ id: "i1", quantity: 2 }] },
          { location_id: "sloc_unknown", items: [{ id: "i2", quantity: 1 }] },
        ],
      }),
      names
    )
    expect(shipped).toMatchObject({ title: "Shipped from 2 warehouses", summary: "Berlin: 2 items; sloc_unknown: 1 item" })
  })

  it("words an event it does not know from its stage, status and data", () => {
    expect(describeEvent(event("payment", "refunded", { amount: 5 }), names)).toMatchObject({
      title: "Payment: refunded",
      summary: "amount: 5",
    })
    expect(describeEvent(event("shipping", "resumed", { back_to: "paid" }), names)).toMatchObject({
      title: "Resumed: shipping",
      summary: "Back to paid.",
    })
    expect(formatTime("not a date")).toBe("not a date")
  })
})
