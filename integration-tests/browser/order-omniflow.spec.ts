import { Page } from "playwright-core"
import { waitFor } from "../helpers/wait"
import { adminBrowserSuite } from "./support/suite"

/**
 * The "OmniFlow" section of Medusa's order page: where the order stands (stage, risk score
 * and reasons, review, timeline), and approving a held order from there.
 */

// Orders above 150 EUR are held; an approved order ships at once.
const admin = adminBrowserSuite("order-omniflow", {
  omniflowOptions: { riskReview: { holdAboveAmount: 150 }, orderFlow: { shipAfterMinutes: 0 } },
})

const humanize = (value: string) => value.replace(/_/g, " ")

/** The OmniFlow section: the innermost block holding both its heading and its timeline. */
const section = (page: Page) =>
  page
    .locator("div")
    .filter({ has: page.getByRole("heading", { name: "OmniFlow", exact: true }) })
    .filter({ hasText: "Timeline" })
    .last()

/** The timeline's entry titles, oldest first. */
const timelineTitles = async (page: Page): Promise<string[]> =>
  section(page)
    .locator("ol > li")
    .evaluateAll((items) => items.map((li) => (li.querySelector("p") as HTMLElement | null)?.innerText.trim() ?? ""))

describe("OmniFlow section of the order page", () => {
  let held: any
  let small: any

  beforeAll(async () => {
    const { shop } = admin
    held = await shop.placeOrder([["GRINDER-STEEL", 2]], "held-on-order-page@example.com")
    small = await shop.placeOrder([["FILTERS-100", 2]], "small-on-order-page@example.com")
    held.view = await shop.waitForStage(held.id, ["under_review"])
    small.view = await shop.waitForStage(small.id, ["fulfilled", "failed"])
  })

  it("shows a held order's stage, risk score and reasons, pending review and timeline", async () => {
    const { page } = admin
    const { flow, risk_review: review } = held.view
    expect(review.status).toBe("pending")
    await admin.open(`/orders/${held.id}`)
    const omniflow = section(page)
    await omniflow.waitFor()
    const text = await omniflow.innerText()

    // Stage next to the heading, then the score, its level and the rules' decision.
    expect(text).toMatch(/^OmniFlow\s+under review\s/)
    expect(text).toMatch(new RegExp(`Risk\\s+${flow.risk_score}\\s+${flow.risk_level}\\s+decision: hold`))
    for (const reason of flow.risk_reasons) {
      expect(text).toContain(`${humanize(reason.rule)} +${reason.points}`)
      expect(text).toContain(reason.detail)
    }
    // The review waits for a person, with its deadline and both choices.
    expect(text).toMatch(/pending\s+due .+ \(in (\d+ h|2 d)\)/)
    expect(await omniflow.getByRole("button", { name: "Approve" }).isVisible()).toBe(true)
    expect(await omniflow.getByRole("button", { name: "Reject" }).isVisible()).toBe(true)

    expect(await timelineTitles(page)).toEqual(["Order received", "Held for review"])
    expect(text).toContain(`Score ${flow.risk_score} (${flow.risk_level} risk)`)
  })

  it("approves the held order from the order page; the order moves on to payment and shipment", async () => {
    const { page, shop } = admin
    await admin.open(`/orders/${held.id}`)
    const omniflow = section(page)
    // Core's payment box offers to capture the authorized payment; OmniFlow will do it.
    const capture = page.getByRole("button", { name: "Capture payment" })
    await capture.waitFor()
    // Marks this page load: the checks below must pass without the admin reloading.
    await page.evaluate(() => ((window as any).__sameOrderPage = true))
    await omniflow.getByRole("button", { name: "Approve" }).click()
    const drawer = page.getByRole("dialog")
    await drawer.getByRole("heading", { name: `Approve order #${held.display_id}` }).waitFor()
    await drawer.getByRole("button", { name: "Approve order" }).click()
    await drawer.waitFor({ state: "hidden" })

    // The section refreshes in place: the review is decided, by whom, and offers no choice any more.
    await omniflow.getByText(/^by admin@omniflow\.local · /).waitFor()
    expect(await omniflow.getByText("approved", { exact: true }).count()).toBeGreaterThan(0)
    expect(await omniflow.getByRole("button", { name: "Approve" }).count()).toBe(0)
    expect(await omniflow.getByRole("button", { name: "Reject" }).count()).toBe(0)
    expect(await omniflow.innerText()).not.toContain("under review")
    expect(await timelineTitles(page)).toContain("Approved by admin@omniflow.local")
    await admin.screenshot("approved on the order page")

    const decided = await shop.riskReview(held.view.risk_review.id)
    expect(decided).toMatchObject({ status: "approved", decided_by: shop.adminUserId })

    // Staying on the page, the admin sees the order paid and shipped as the flow does it in
    // the background: the section follows the flow's stages, and core's payment box stops
    // offering the capture OmniFlow made.
    await omniflow.getByText("fulfilled", { exact: true }).waitFor({ timeout: 90_000 })
    const titles = await waitFor(
      () => timelineTitles(page),
      (seen) => seen.some((t) => t.startsWith("Shipped from")),
      { timeoutMs: 30_000, intervalMs: 500, what: "the order page to show the shipment" }
    )
    await capture.waitFor({ state: "detached", timeout: 30_000 })
    expect(await page.evaluate(() => (window as any).__sameOrderPage)).toBe(true)
    // These, in this order; the flow may record other steps in between.
    const milestones = [/^Order received$/, /^Held for review$/, /^Approved by /, /^Payment captured$/, /^Shipped from /]
    expect(titles.filter((t) => milestones.some((m) => m.test(t)))).toEqual([
      "Order received",
      "Held for review",
      "Approved by admin@omniflow.local",
      "Payment captured",
      expect.stringMatching(/^Shipped from \d warehouses?$/),
    ])
    expect(await section(page).innerText()).toMatch(/^OmniFlow\s+fulfilled\s/)
    expect((await shop.omniflow(held.id)).flow.stage).toBe("fulfilled")
  })

  it("shows an order the rules approved with no review to decide", async () => {
    const { page } = admin
    await admin.open(`/orders/${small.id}`)
    const omniflow = section(page)
    await omniflow.waitFor()
    const text = await omniflow.innerText()
    expect(text).toMatch(/^OmniFlow\s+fulfilled\s/)
    expect(text).toMatch(new RegExp(`Risk\\s+${small.view.flow.risk_score}\\s+${small.view.flow.risk_level}\\s+decision: approve`))
    expect(text).not.toContain("Review")
    expect(await omniflow.getByRole("button").count()).toBe(0)
    expect((await timelineTitles(page)).slice(0, 2)).toEqual(["Order received", "Risk check passed"])
  })

  it("says so for an order placed without OmniFlow's flow", async () => {
    const { page, shop } = admin
    // The seed's historic orders were created directly, not checked out: they have no flow.
    const { data } = await shop.api.get("/admin/orders?order=created_at&limit=1&fields=id,display_id", shop.admin)
    const historic = data.orders[0]
    expect((await shop.omniflow(historic.id)).flow).toBeNull()
    await admin.open(`/orders/${historic.id}`)
    await page.getByRole("heading", { name: "OmniFlow", exact: true }).waitFor()
    await page.getByText(/^No OmniFlow flow for this order/).waitFor()
    expect(await page.getByText("Timeline", { exact: true }).count()).toBe(0)
  })
})
