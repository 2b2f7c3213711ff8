import fs from "fs"
import { Locator, Page } from "playwright-core"
import { DEFAULT_ADMIN } from "../../src/scripts/seed/catalog"
import { adminBrowserSuite, tableRows } from "./support/suite"

/**
 * Privacy from the dashboard: the "Privacy" section of Medusa's customer page (export a
 * customer's data, erase a customer, the audit trail about them) and the "Privacy requests"
 * page (every export and erasure, the export's download, the erasure's certificate).
 */

// The default erasure policy (refuse while an order is unfulfilled). Orders ship only two
// hours after payment, so one placed here is still unfulfilled when its customer is erased.
const admin = adminBrowserSuite("privacy", { omniflowOptions: { orderFlow: { shipAfterMinutes: 120 } } })

const ERASURE_PHASES = ["revoke", "assess", "erase", "verify", "certificate"]
/** An erasure searches the whole database; on a busy machine that takes a while. */
const ERASURE_TIMEOUT_MS = 90_000

const unique = () => Math.random().toString(36).slice(2, 10)

/** The section on the customer page. */
const privacySection = (page: Page): Locator => page.getByTestId("customer-privacy")

/** Picks `option` in the Privacy requests page's kind filter. */
async function chooseKind(page: Page, option: string) {
  await page.getByTestId("privacy-kind-filter").getByRole("combobox").click()
  await page.getByRole("option", { name: option, exact: true }).click()
}

describe("Privacy in the admin dashboard", () => {
  /** A customer made by an admin, with a saved address: personal data in two tables. */
  async function createCustomer(tag: string) {
    const { shop } = admin
    const email = `${tag}-${unique()}@example.com`
    const { data } = await shop.api.post(
      "/admin/customers",
      { email, first_name: `First${unique()}`, last_name: `Last${unique()}` },
      shop.admin
    )
    await shop.api.post(
      `/admin/customers/${data.customer.id}/addresses`,
      { first_name: "Private", last_name: "Person", address_1: "Hidden Lane 7", city: "Hamburg", country_code: "de", postal_code: "20095" },
      shop.admin
    )
    return { id: data.customer.id as string, email }
  }

  async function privacyRequestOf(customerId: string, kind: "export" | "erasure") {
    const { shop } = admin
    const { data } = await shop.api.get(`/admin/omniflow/privacy-requests?kind=${kind}&limit=100`, shop.admin)
    return data.privacy_requests.find((r: any) => r.customer_id === customerId) ?? null
  }

  it("exports a customer's data from the customer page and downloads it from the Privacy requests page", async () => {
    const { page } = admin
    const customer = await createCustomer("export-me")
    await admin.open(`/customers/${customer.id}`)
    const section = privacySection(page)
    await section.getByText("Not requested").waitFor()

    await section.getByRole("button", { name: "Export data" }).click()
    await section.getByText("Data export started").waitFor()
    // The section follows the export until it is ready.
    const exportRow = section.locator('[data-testid^="customer-export-"]')
    await exportRow.getByText("completed", { exact: true }).waitFor()
    expect(await exportRow.count()).toBe(1)
    await exportRow.getByText(`by ${DEFAULT_ADMIN.email}`).waitFor()
    const request = await privacyRequestOf(customer.id, "export")
    expect(request).toMatchObject({ state: "completed", requested_by: { type: "user" } })

    // The trail names who asked and that the export was completed.
    const trail = section.getByTestId("customer-audit-trail")
    await trail.getByText("privacy · export completed").waitFor()
    expect(await trail.innerText()).toMatch(new RegExp(`privacy · export requested\\s+by ${DEFAULT_ADMIN.email.replace(/\./g, "\\.")}`))
    // Admin-made customers are onboarded too (customer.created).
    await section.getByText(/^Onboarded /).waitFor()
    await section.screenshot({ path: "/tmp/customer-privacy.png" })

    await page.getByRole("link", { name: "Privacy requests" }).click()
    await page.getByRole("heading", { name: "Privacy requests" }).waitFor()
    const row = page.getByTestId(`privacy-request-${request.id}`)
    // Emails are read after the list: the customer's and the admin's who asked.
    await row.getByRole("link", { name: customer.email }).waitFor()
    await row.getByText(DEFAULT_ADMIN.email).waitFor()
    const text = await row.innerText()
    for (const expected of ["Data export", customer.email, DEFAULT_ADMIN.email, "completed", "1/1: export"]) {
      expect(text).toContain(expected)
    }
    // The customer still exists: the row leads to their page.
    expect(await row.getByRole("link", { name: customer.email }).getAttribute("href")).toBe(`/app/customers/${customer.id}`)

    const [download] = await Promise.all([page.waitForEvent("download"), row.getByRole("button", { name: "Download" }).click()])
    expect(download.suggestedFilename()).toBe(`data-export-${request.id}.json`)
    const document = JSON.parse(fs.readFileSync((await download.path())!, "utf8"))
    expect(JSON.stringify(document)).toContain(customer.email)
    expect(JSON.stringify(document)).toContain("Hidden Lane 7")
  })

  it("refuses to erase a customer whose order is not fulfilled, naming the order", async () => {
    const { page, shop } = admin
    const email = `unshipped-${unique()}@example.com`
    const placed = await shop.placeOrder([["FILTERS-100", 1]], email)
    const order = await shop.order(placed.id, "id,display_id,customer_id")
    expect(order.customer_id).toBeTruthy()

    await admin.open(`/customers/${order.customer_id}`)
    const section = privacySection(page)
    await section.getByText("Not requested").waitFor()
    await section.getByRole("button", { name: "Erase customer…" }).click()

    const dialog = page.getByRole("alertdialog")
    await dialog.getByText("Erase this customer?").waitFor()
    const confirm = dialog.getByRole("button", { name: "Erase customer", exact: true })
    // Nothing typed, or the wrong thing: the erasure cannot be confirmed.
    expect(await confirm.isDisabled()).toBe(true)
    await dialog.getByRole("textbox").first().fill("erase please")
    expect(await confirm.isDisabled()).toBe(true)
    // The customer's email, in any case, confirms it.
    await dialog.getByRole("textbox").first().fill(email.toUpperCase())
    expect(await confirm.isEnabled()).toBe(true)
    await confirm.click()
    await dialog.waitFor({ state: "hidden" })

    const refusal = section.getByTestId("customer-privacy-outcome")
    await refusal.getByText("Erasure refused").waitFor()
    const refusalText = await refusal.innerText()
    expect(refusalText).toContain("The customer has 1 order(s) not fulfilled yet; cancel or fulfil them before erasing the customer")
    expect(await refusal.getByRole("link", { name: order.id }).getAttribute("href")).toBe(`/app/orders/${order.id}`)
    await section.screenshot({ path: "/tmp/customer-privacy-refused.png" })

    // Nothing was started, and the customer is still there.
    expect(await privacyRequestOf(order.customer_id, "erasure")).toBeNull()
    expect(await section.getByText("Not requested").count()).toBe(1)
    const { status } = await shop.api.get(`/admin/customers/${order.customer_id}`, { ...shop.admin, validateStatus: () => true })
    expect(status).toBe(200)
  })

  it("erases a customer after the typed confirmation and shows the certificate on the Privacy requests page", async () => {
    const { page, shop } = admin
    const customer = await createCustomer("erase-me")
    await admin.open(`/customers/${customer.id}`)
    const section = privacySection(page)
    await section.getByText("Not requested").waitFor()

    await section.getByRole("button", { name: "Erase customer…" }).click()
    const dialog = page.getByRole("alertdialog")
    await dialog.getByRole("textbox").first().fill("ERASE")
    await dialog.getByRole("textbox").nth(1).fill("asked by email on the support desk")
    await dialog.getByRole("button", { name: "Erase customer", exact: true }).click()
    await dialog.waitFor({ state: "hidden" })
    await section.getByText("Erasure started").waitFor()

    // The section follows the erasure to its end; then there is nothing left to do here.
    const erasure = section.getByTestId("customer-erasure")
    await erasure.getByText("Customer erased").waitFor({ timeout: ERASURE_TIMEOUT_MS })
    expect(await section.getByRole("button", { name: "Erase customer…" }).isDisabled()).toBe(true)
    expect(await section.getByRole("button", { name: "Export data" }).isDisabled()).toBe(true)

    const request = await privacyRequestOf(customer.id, "erasure")
    expect(request.state).toBe("completed")
    const { data } = await shop.api.get(`/admin/erasure-requests/${request.id}`, shop.admin)
    const certificate = data.erasure_request
    expect(certificate.phases.map((p: any) => p.name)).toEqual(ERASURE_PHASES)
    expect(certificate.verification.matches).toEqual([])

    await admin.open("/privacy-requests")
    await page.getByRole("heading", { name: "Privacy requests" }).waitFor()
    await page.getByText("2 of 2 results").waitFor()
    await chooseKind(page, "Erasure")
    // The only erasure: the refused one never started.
    await page.getByText("1 of 1 results").waitFor()
    const texts = await tableRows(page).allInnerTexts()
    expect(texts.every((t) => t.includes("Erasure"))).toBe(true)
    const row = page.getByTestId(`privacy-request-${request.id}`)
    await row.getByText(DEFAULT_ADMIN.email).waitFor()
    const text = await row.innerText()
    for (const expected of ["Erasure", customer.id, DEFAULT_ADMIN.email, "completed", "5/5: certificate"]) {
      expect(text).toContain(expected)
    }
    // The customer is gone: the row names them by id and does not link to a missing page.
    expect(text).not.toContain(customer.email)
    expect(await row.getByRole("link").count()).toBe(0)

    await row.getByRole("button", { name: "Certificate" }).click()
    const drawer = page.getByRole("dialog")
    await drawer.getByText("Erasure certificate").waitFor()
    const phases = drawer.getByTestId("erasure-phases").locator("li")
    expect(await phases.count()).toBe(5)
    const phaseTexts = await phases.allInnerTexts()
    ERASURE_PHASES.forEach((name, i) => {
      expect(phaseTexts[i]).toMatch(new RegExp(`^${i + 1}\\.\\s+${name}\\s`))
      // Each phase with the time it finished, none left pending.
      expect(phaseTexts[i]).not.toMatch(/pending|running|failed/)
    })
    const verification = await drawer.getByTestId("erasure-verification").innerText()
    expect(verification).toContain("0 matches")
    expect(verification).toContain(
      `${certificate.verification.tables_searched} tables, ${certificate.verification.columns_searched} columns searched`
    )
    const drawerText = await drawer.innerText()
    // The address was found and erased; the customer record itself was blanked and deleted.
    const counts = await drawer.getByTestId("erasure-counts").innerText()
    expect(counts).toMatch(/Customer addresses\s+1\s+1/)
    expect(counts).toMatch(/Customers\s+—\s+1/)
    expect(drawerText).not.toContain(customer.email)
    // The drawer slides in: the picture is taken once it is in place.
    await drawer.evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)))
    await page.screenshot({ path: "/tmp/privacy-certificate.png" })
  })
})
