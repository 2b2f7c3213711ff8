import { adminBrowserSuite, chooseStatus, money, rowOfOrder, tableRows } from "./support/suite"

/**
 * The "Risk reviews" page: an admin finds the held orders in the menu, approves one and
 * rejects another (a reason is required), and sees each decision take effect.
 */

// Orders above 150 EUR are held; an approved order ships at once.
const admin = adminBrowserSuite("risk-reviews", {
  omniflowOptions: { riskReview: { holdAboveAmount: 150 }, orderFlow: { shipAfterMinutes: 0 } },
})

const humanize = (value: string) => value.replace(/_/g, " ")

describe("Risk reviews page", () => {
  // Two held orders and a small one the rules approve by themselves.
  let first: any
  let second: any
  let small: any
  const review = (view: any) => view.risk_review

  beforeAll(async () => {
    const { shop } = admin
    first = await shop.placeOrder([["GRINDER-STEEL", 2]], "first-held@example.com")
    second = await shop.placeOrder([["ESPRESSO-1KG", 5]], "second-held@example.com")
    small = await shop.placeOrder([["MUG-WHITE", 1]], "small@example.com")
    first.view = await shop.waitForStage(first.id, ["under_review"])
    second.view = await shop.waitForStage(second.id, ["under_review"])
    await shop.waitForStage(small.id, ["approved", "capturing", "paid", "shipping", "fulfilled"])
  })

  it("lists the held orders with their score and reasons, and approves one with a note", async () => {
    const { page, shop } = admin
    await admin.open("/orders")
    await page.getByRole("link", { name: "Risk reviews" }).click()
    await page.getByRole("heading", { name: "Risk reviews" }).waitFor()
    await page.getByText("2 of 2 results").waitFor()

    // Held orders only, each with what the admin decides on.
    expect(await tableRows(page).count()).toBe(2)
    expect(await rowOfOrder(page, small.display_id).count()).toBe(0)
    for (const held of [first, second]) {
      const row = rowOfOrder(page, held.display_id)
      const cells = row.locator("td")
      const text = await row.innerText()
      const order = await shop.order(held.id)
      const { score, level } = review(held.view)
      expect((await cells.nth(0).innerText()).split(/\n+/)).toEqual([
        `#${held.display_id}`,
        held.email,
        money(order.total, order.currency_code),
      ])
      expect(await cells.nth(1).innerText()).toMatch(new RegExp(`^${score}\\s+${level}$`))
      expect(await cells.nth(4).innerText()).toBe("pending")
      for (const reason of review(held.view).reasons) {
        expect(text).toContain(`${humanize(reason.rule)} +${reason.points}`)
        expect(text).toContain(reason.detail)
      }
      expect(await row.getByRole("button", { name: "Approve" }).isVisible()).toBe(true)
      expect(await row.getByRole("button", { name: "Reject" }).isVisible()).toBe(true)
    }

    await rowOfOrder(page, first.display_id).getByRole("button", { name: "Approve" }).click()
    const drawer = page.getByRole("dialog")
    await drawer.getByRole("heading", { name: `Approve order #${first.display_id}` }).waitFor()
    expect(await drawer.innerText()).toContain(`first-held@example.com`)
    await drawer.getByLabel("Note").fill("Phoned the customer, order confirmed")
    await admin.screenshot("approve drawer")
    await drawer.getByRole("button", { name: "Approve order" }).click()

    // The drawer closes, the outcome is announced and the order leaves the pending list.
    await drawer.waitFor({ state: "hidden" })
    await page.getByText(new RegExp(`^Order #${first.display_id} approved — flow is now [a-z ]+\\.$`)).waitFor()
    await page.getByText("1 of 1 results").waitFor()
    expect(await rowOfOrder(page, first.display_id).count()).toBe(0)
    expect(await rowOfOrder(page, second.display_id).count()).toBe(1)

    const decided = await shop.riskReview(review(first.view).id)
    expect(decided).toMatchObject({
      status: "approved",
      decided_by: shop.adminUserId,
      note: "Phoned the customer, order confirmed",
      reason: null,
    })
    expect((await shop.riskReview(review(second.view).id)).status).toBe("pending")
  })

  it("rejects the other order only with a reason, and shows both decisions under All", async () => {
    const { page, shop } = admin
    await admin.open("/risk-reviews")
    const row = rowOfOrder(page, second.display_id)
    await row.getByRole("button", { name: "Reject" }).click()
    const drawer = page.getByRole("dialog")
    await drawer.getByRole("heading", { name: `Reject order #${second.display_id}` }).waitFor()

    // Without a reason nothing is sent: the drawer stays open and says why.
    await drawer.getByRole("button", { name: "Reject order" }).click()
    await drawer.getByText("A reason is required to reject an order.").waitFor()
    await admin.screenshot("reject without a reason")
    expect((await shop.riskReview(review(second.view).id)).status).toBe("pending")

    await drawer.getByLabel("Reason").fill("Card testing pattern")
    // Typing clears the complaint.
    await drawer.getByText("A reason is required to reject an order.").waitFor({ state: "hidden" })
    await drawer.getByRole("button", { name: "Reject order" }).click()
    await drawer.waitFor({ state: "hidden" })
    await page.getByText(new RegExp(`^Order #${second.display_id} rejected — flow is now [a-z ]+\\.$`)).waitFor()
    await rowOfOrder(page, second.display_id).waitFor({ state: "detached" })

    const decided = await shop.riskReview(review(second.view).id)
    expect(decided).toMatchObject({ status: "rejected", decided_by: shop.adminUserId, reason: "Card testing pattern" })

    // Every review, decided ones included, with who decided and why.
    await chooseStatus(page, "All")
    await page.getByText("2 of 2 results").waitFor()
    const rejected = rowOfOrder(page, second.display_id)
    expect(await rejected.innerText()).toContain("rejected")
    expect(await rejected.innerText()).toMatch(/by admin · .+ · Card testing pattern/)
    expect(await rejected.getByRole("button").count()).toBe(0)
    expect(await rejected.getByRole("link", { name: "View order" }).isVisible()).toBe(true)

    await chooseStatus(page, "Rejected")
    await page.getByText("1 of 1 results").waitFor()
    expect(await tableRows(page).count()).toBe(1)
    expect(await rowOfOrder(page, second.display_id).count()).toBe(1)
  })

  it("tells the admin when someone else decided the order first, and drops it from the list", async () => {
    const { page, shop } = admin
    const late = await shop.placeOrder([["KETTLE-EU", 3]], "decided-elsewhere@example.com")
    const { risk_review: pending } = await shop.waitForStage(late.id, ["under_review"])
    await admin.open("/risk-reviews")
    await rowOfOrder(page, late.display_id).getByRole("button", { name: "Reject" }).click()
    const drawer = page.getByRole("dialog")
    await drawer.getByLabel("Reason").fill("Looks like fraud")

    // Another admin approves it while the drawer is open.
    await shop.api.post(`/admin/risk-reviews/${pending.id}/approve`, { note: "approved elsewhere" }, shop.admin)
    await drawer.getByRole("button", { name: "Reject order" }).click()

    // The drawer stays open with the reason and names the order as the admin knows it (not the
    // review's internal id); nothing more can be sent for it. The list behind it refreshes
    // without the order.
    const conflict = drawer.getByText(`Order #${late.display_id} is already approved`)
    await conflict.waitFor()
    expect(await drawer.innerText()).not.toContain(pending.id)
    expect(await drawer.getByRole("button", { name: "Reject order" }).isDisabled()).toBe(true)
    await rowOfOrder(page, late.display_id).waitFor({ state: "detached" })
    expect(await drawer.isVisible()).toBe(true)
    // Editing the form does not make the conflict go away.
    await drawer.getByLabel("Reason").fill("Looks like fraud, really")
    expect(await conflict.isVisible()).toBe(true)
    expect(await drawer.getByRole("button", { name: "Reject order" }).isDisabled()).toBe(true)
    await admin.screenshot("decided elsewhere")
    expect(await shop.riskReview(pending.id)).toMatchObject({ status: "approved", note: "approved elsewhere", reason: null })

    await drawer.getByRole("button", { name: "Cancel" }).click()
    await drawer.waitFor({ state: "hidden" })
  })
})
