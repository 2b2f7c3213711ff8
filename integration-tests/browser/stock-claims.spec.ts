import { adminBrowserSuite, chooseStatus, tableRows } from "./support/suite"

/**
 * The "Stock claims" page: the checkout guard's ledger, newest first, with each claim's
 * status, lines and order, and a status filter.
 */
const admin = adminBrowserSuite("stock-claims")

describe("Stock claims page", () => {
  // Two checkouts that became orders, and one whose claim was given back.
  const converted: { cartId: string; order: any }[] = []
  let released: { cartId: string; status: number }

  beforeAll(async () => {
    const { shop } = admin
    for (const [lines, email] of [
      [[["ESPRESSO-250G", 2]], "espresso@example.com"],
      [[["MUG-WHITE", 1], ["FILTERS-100", 3]], "mug-and-filters@example.com"],
    ] as [[string, number][], string][]) {
      const { cartId, status, body } = await shop.checkout(lines, email)
      expect(status).toBe(200)
      converted.push({ cartId, order: body.order })
    }
    // One unit in each warehouse: the claim on the channel's two units succeeds, then core
    // finds no single warehouse that ships both and the completion fails, so the claim is released.
    const [berlin, rotterdam] = await shop.stockLocationIds()
    await shop.setStock("DECAF-250G", { [berlin]: 1, [rotterdam]: 1 })
    released = await shop.checkout([["DECAF-250G", 2]], "decaf@example.com")
    expect(released.status).toBe(400)
  })

  it("lists every claim, newest first, with its status, lines and order", async () => {
    const { page, shop } = admin
    await admin.open("/orders")
    await page.getByRole("link", { name: "Stock claims" }).click()
    await page.getByRole("heading", { name: "Stock claims" }).waitFor()
    await page.getByText("3 of 3 results").waitFor()

    const rows = tableRows(page)
    expect(await rows.count()).toBe(3)
    const texts = await rows.allInnerTexts()
    // Newest first: the failed checkout, then the orders in reverse.
    expect(texts[0]).toContain(released.cartId)
    expect(texts[1]).toContain(converted[1].cartId)
    expect(texts[2]).toContain(converted[0].cartId)

    expect(texts[0]).toContain("released")
    expect(texts[0]).toContain("2 × DECAF-250G")
    expect(await rows.nth(0).getByRole("link", { name: "View order" }).count()).toBe(0)
    const { data } = await shop.api.get(`/admin/inventory-dedup/claims?cart_id=${released.cartId}`, shop.admin)
    expect(data.claims).toHaveLength(1)
    expect(data.claims[0].note).toBeTruthy()
    expect(texts[0]).toContain(data.claims[0].note)

    expect(texts[1]).toContain("converted")
    expect(texts[1]).toContain("1 × MUG-WHITE")
    expect(texts[1]).toContain("3 × FILTERS-100")
    expect(texts[2]).toContain("converted")
    expect(texts[2]).toContain("2 × ESPRESSO-250G")

    // A converted claim leads to its order.
    await rows.nth(2).getByRole("link", { name: "View order" }).click()
    await page.waitForURL(`**/app/orders/${converted[0].order.id}`)
    await page.getByText(`#${converted[0].order.display_id}`).first().waitFor()
  })

  it("filters the claims by status", async () => {
    const { page, shop } = admin
    await admin.open("/stock-claims")
    await page.getByText("3 of 3 results").waitFor()

    await chooseStatus(page, "Released")
    await page.getByText("1 of 1 results").waitFor()
    expect(await tableRows(page).count()).toBe(1)
    expect(await tableRows(page).first().innerText()).toContain(released.cartId)
    await admin.screenshot("released only")

    await chooseStatus(page, "Converted")
    await page.getByText("2 of 2 results").waitFor()
    const convertedTexts = await tableRows(page).allInnerTexts()
    expect(convertedTexts).toHaveLength(2)
    expect(convertedTexts.every((t) => t.includes("converted") && !t.includes("released"))).toBe(true)
    expect(convertedTexts.join("\n")).toContain(converted[0].cartId)
    expect(convertedTexts.join("\n")).toContain(converted[1].cartId)

    // No checkout is in progress, so nothing is held.
    await chooseStatus(page, "Held")
    await page.getByText("No claims.").waitFor()
    expect(await tableRows(page).count()).toBe(0)
    const { data: held } = await shop.api.get("/admin/inventory-dedup/claims?status=held", shop.admin)
    expect(held.count).toBe(0)

    await chooseStatus(page, "All")
    await page.getByText("3 of 3 results").waitFor()
    expect(await tableRows(page).count()).toBe(3)
  })
})
