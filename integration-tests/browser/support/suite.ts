import fs from "fs"
import path from "path"
import { Browser, BrowserContext, Locator, Page } from "playwright-core"
import { DEFAULT_ADMIN } from "../../../src/scripts/seed/catalog"
import { AdminApp, AdminAppOptions } from "./admin-app"
import { clearScreenshots, launchChromium, logIn, saveScreenshot } from "./admin-browser"
import { DemoShop } from "./shop"

/**
 * One spec file of the browser suite: its own server (built dashboard, own copy of the
 * seeded shop, the plugin options it asks for), one Chromium page signed in through the
 * login form, and the shop's store and admin APIs. Everything is stopped after the file,
 * whether its tests passed or not; after every test the page is saved as a screenshot.
 *
 * @example
 * const admin = adminBrowserSuite("flows", { omniflowOptions: { riskReview: { holdAboveAmount: 150 } } })
 * it("shows …", async () => {
 *   await admin.open("/flows")
 *   await admin.page.getByRole("heading", { name: "Flows" }).waitFor()
 *   await admin.screenshot("flows listed")
 * })
 */
export type AdminBrowserSuite = {
  readonly app: AdminApp
  readonly page: Page
  readonly shop: DemoShop
  /** Opens a dashboard path ("/risk-reviews", "/orders/order_…") as the signed-in admin. */
  open(dashboardPath: string): Promise<void>
  /** Saves the page as .omniflow/screenshots/<suite>/<name>.png. */
  screenshot(name: string): Promise<string>
}

/** Starting a server may include building the dashboard and seeding the template database. */
const SETUP_TIMEOUT_MS = 15 * 60_000

export function adminBrowserSuite(name: string, options: AdminAppOptions = {}): AdminBrowserSuite {
  const app = new AdminApp(name, options)
  let browser: Browser | null = null
  let context: BrowserContext | null = null
  let page: Page | null = null
  let shop: DemoShop | null = null
  const consoleLog = path.join(path.dirname(app.logFile), `browser-${name}-console.log`)

  const suite: AdminBrowserSuite = {
    app,
    get page() {
      if (!page) throw new Error("the browser is not open (setup failed)")
      return page
    },
    get shop() {
      if (!shop) throw new Error("the shop is not reachable (setup failed)")
      return shop
    },
    async open(dashboardPath: string) {
      await suite.page.goto(`${app.url}/app${dashboardPath}`)
    },
    screenshot: (shot: string) => saveScreenshot(suite.page, name, shot),
  }

  beforeAll(async () => {
    clearScreenshots(name)
    // The browser first: a machine without one fails here, before a server is built and started.
    browser = await launchChromium()
    await app.start()
    shop = await DemoShop.open(app.url, DEFAULT_ADMIN)
    // A fixed language, time zone and size: texts, dates and screenshots do not depend on the machine.
    context = await browser.newContext({ locale: "en-US", timezoneId: "UTC", viewport: { width: 1440, height: 960 } })
    context.setDefaultTimeout(30_000)
    page = await context.newPage()
    // The page's own errors, kept for reading after a failure.
    fs.writeFileSync(consoleLog, "")
    const note = (line: string) => fs.appendFileSync(consoleLog, `${new Date().toISOString()} ${line}\n`)
    page.on("pageerror", (e) => note(`page error: ${e.message}`))
    page.on("console", (m) => m.type() === "error" && note(`console: ${m.text()}`))
    page.on("response", (r) => r.status() >= 400 && note(`${r.status()} ${r.request().method()} ${r.url()}`))
    await logIn(page, app.url, DEFAULT_ADMIN)
  }, SETUP_TIMEOUT_MS)

  afterEach(async () => {
    // The state each test ended in, passed or failed.
    if (page) {
      await saveScreenshot(page, name, expect.getState().currentTestName ?? "test").catch(() => {})
    }
  })

  afterAll(async () => {
    try {
      await browser?.close()
    } finally {
      await app.stop()
    }
  }, 120_000)

  return suite
}

/** The rows of the table on the page (header row excluded). */
export const tableRows = (page: Page): Locator => page.locator("table tbody tr")

/**
 * The row that links to order `#displayId` (exact: #13 is not #130). Found by its text,
 * not its role: an open drawer hides the page behind it from the accessibility tree, and
 * a row must still be found (or found gone) there.
 */
export const rowOfOrder = (page: Page, displayId: number | string): Locator =>
  tableRows(page).filter({ has: page.locator("a").filter({ hasText: new RegExp(`^#${displayId}$`) }) })

/** Picks `option` in the list page's status filter (a select). */
export async function chooseStatus(page: Page, option: string) {
  await page.getByRole("combobox").click()
  await page.getByRole("option", { name: option, exact: true }).click()
}

/** Formats money as the dashboard does in the browser's en-US locale. */
export const money = (amount: number, currency: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(amount)
