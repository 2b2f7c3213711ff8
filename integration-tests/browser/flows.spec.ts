import { Locator, Page } from "playwright-core"
import { WAREHOUSES } from "../../src/scripts/seed/catalog"
import { FAILING_FULFILLMENT_PROVIDER_ID, FailingFulfillmentData } from "../providers/failing-fulfillment"
import { prepareCartWithOption } from "../helpers/shipping"
import { completeCart } from "../helpers/storefront"
import { waitFor } from "../helpers/wait"
import { adminBrowserSuite } from "./support/suite"
import { DemoShop } from "./support/shop"

/**
 * The "Flows" page: the inbox of failed runs. Orders are sent through a carrier that is
 * down at one warehouse, so their order flow fails while shipping and its run lands in
 * the inbox; the admin retries one once the carrier is back and resolves the other.
 */

// Paid orders ship at once; the test fulfilment provider can be chosen at checkout.
const admin = adminBrowserSuite("flows", {
  omniflowOptions: { orderFlow: { shipAfterMinutes: 0 } },
  env: { OMNIFLOW_TEST_PROVIDERS: "true" },
})

const ORDER_FLOW = "omniflow-order-flow"
const SHIP_STEP = "create-split-fulfillments-step"

/** FILTER-250G is stocked only in Berlin, MUG-BLACK only in Rotterdam: one fulfilment from each. */
const SPLIT: [string, number][] = [
  ["FILTER-250G", 1],
  ["MUG-BLACK", 1],
]

/**
 * How long the carrier that comes back stays down. The order must fail within it (checkout,
 * risk check, capture and the shipment attempt, on a busy machine), and the retry test
 * waits for what is left of it.
 */
const CARRIER_DOWN_MS = 30_000

type Warehouses = { berlin: string; rotterdam: string; berlinServiceZone: string }

/** The seeded warehouses by name, and the service zone the failing carrier is offered in. */
async function warehouses(shop: DemoShop): Promise<Warehouses> {
  const { data } = await shop.api.get(
    "/admin/stock-locations?limit=50&fields=id,name,*fulfillment_sets,*fulfillment_sets.service_zones",
    shop.admin
  )
  const byName = (name: string) => {
    const location = data.stock_locations.find((l: any) => l.name === name)
    if (!location) throw new Error(`No stock location "${name}" in the demo shop`)
    return location
  }
  const [berlinSeed, rotterdamSeed] = WAREHOUSES
  const berlin = byName(berlinSeed.name)
  const rotterdam = byName(rotterdamSeed.name)
  const berlinServiceZone = berlin.fulfillment_sets?.[0]?.service_zones?.[0]?.id
  if (!berlinServiceZone) throw new Error("The Berlin warehouse has no service zone")
  return { berlin: berlin.id, rotterdam: rotterdam.id, berlinServiceZone }
}

/**
 * What integration-tests/helpers/shipping.ts createFailingShippingOption does inside the
 * server, done through core's admin API (the server is another process here): the test
 * provider enabled at every warehouse, then a shipping option of it whose fulfilments at
 * `failAt` fail with `message` (until `failUntil`, or for good).
 */
async function failingCarrier(
  shop: DemoShop,
  where: Warehouses,
  opts: { failAt: string[]; message: string; failUntil: Date | null }
): Promise<string> {
  for (const location of [where.berlin, where.rotterdam]) {
    const { data } = await shop.api.get(
      `/admin/stock-locations/${location}?fields=id,*fulfillment_providers`,
      shop.admin
    )
    const enabled = (data.stock_location.fulfillment_providers ?? []).some((p: any) => p.id === FAILING_FULFILLMENT_PROVIDER_ID)
    if (!enabled) {
      await shop.api.post(
        `/admin/stock-locations/${location}/fulfillment-providers`,
        { add: [FAILING_FULFILLMENT_PROVIDER_ID] },
        shop.admin
      )
    }
  }
  const { data: profiles } = await shop.api.get("/admin/shipping-profiles?type=default&limit=1", shop.admin)
  const failure: FailingFulfillmentData = {
    fail_at_location_ids: opts.failAt,
    fail_message: opts.message,
    fail_until: opts.failUntil?.toISOString() ?? null,
  }
  const { data } = await shop.api.post(
    "/admin/shipping-options",
    {
      name: `Carrier that fails (${opts.message})`,
      price_type: "flat",
      provider_id: FAILING_FULFILLMENT_PROVIDER_ID,
      service_zone_id: where.berlinServiceZone,
      shipping_profile_id: profiles.shipping_profiles[0].id,
      type: { label: "Test carrier", description: "Fails on demand.", code: "omniflow-test" },
      data: failure,
      prices: [
        { currency_code: "eur", amount: 5 },
        { region_id: shop.regionId, amount: 5 },
      ],
      rules: [
        { attribute: "enabled_in_store", value: "true", operator: "eq" },
        { attribute: "is_return", value: "false", operator: "eq" },
      ],
    },
    shop.admin
  )
  return data.shipping_option.id
}

/** The order flow's runs for an order, newest first, as the admin API lists them. */
async function orderFlowRuns(shop: DemoShop, orderId: string): Promise<any[]> {
  const { data } = await shop.api.get(`/admin/omniflow/runs?subject_id=${orderId}&workflow_id=${ORDER_FLOW}`, shop.admin)
  return data.flow_runs
}

async function flowRun(shop: DemoShop, runId: string): Promise<{ flow_run: any; retries: any[] }> {
  return (await shop.api.get(`/admin/omniflow/runs/${runId}`, shop.admin)).data
}

/** A guest checkout of SPLIT with the shipping option given; waits for its flow to fail shipping. */
async function orderFailingToShip(shop: DemoShop, optionId: string, email: string) {
  const items = SPLIT.map(([sku, quantity]) => ({ variant_id: shop.variant(sku).id, quantity }))
  const cartId = await prepareCartWithOption(shop.api, shop.publishableKey, { regionId: shop.regionId, items, optionId, email })
  const placed = await completeCart(shop.api, shop.publishableKey, cartId)
  if (placed.status !== 200 || placed.body?.type !== "order") {
    throw new Error(`placing the order answered ${placed.status}: ${JSON.stringify(placed.body)}`)
  }
  const order = placed.body.order
  const view = await shop.waitForStage(order.id, ["failed", "fulfilled"], 90_000)
  if (view.flow.stage !== "failed") {
    throw new Error(`order ${order.id} shipped although its carrier was down: the machine took longer than the outage`)
  }
  // The run is recorded as it ends, just after the flow's stage is written.
  const [run] = await waitFor(
    () => orderFlowRuns(shop, order.id),
    (runs) => runs[0]?.state === "failed" && runs[0]?.inbox === "open",
    { timeoutMs: 30_000, intervalMs: 300, what: `the failed run of order ${order.id} in the inbox` }
  )
  return { order, run }
}

/** The Flows page's row of a run. */
const runRow = (page: Page, runId: string) => page.getByTestId(`flow-run-${runId}`)
const cellsOf = async (page: Page, runId: string) =>
  (await runRow(page, runId).locator("td").allInnerTexts()).map((t) => t.trim())
const metrics = (page: Page) => page.getByTestId("flow-metrics")

/** Picks an inbox tab; its select heads the page, before the run filters' own selects. */
async function chooseInbox(page: Page, option: string) {
  await page.getByRole("combobox").first().click()
  await page.getByRole("option", { name: option, exact: true }).click()
}

/** Picks `option` in the run filter labelled `filter` ("Flow", "State", "Started"). */
async function chooseFilter(page: Page, filter: string, option: string) {
  await page.getByRole("combobox", { name: filter, exact: true }).click()
  await page.getByRole("option", { name: option, exact: true }).click()
}

/**
 * Waits until the page lists exactly the runs the admin API lists for `query`, and returns
 * their ids. A filter's answer replaces the list on screen only once it has loaded.
 */
async function listedAs(page: Page, shop: DemoShop, query: string): Promise<string[]> {
  const { data } = await shop.api.get(`/admin/omniflow/runs?${query}`, shop.admin)
  const expected = data.flow_runs.map((r: any) => r.id).sort()
  return waitFor(
    async () => (await page.locator('[data-testid^="flow-run-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-testid")!))).map((t) => t.slice("flow-run-".length)).sort(),
    (shown) => JSON.stringify(shown) === JSON.stringify(expected),
    { what: `the runs listed for ${query}: ${expected.join(", ") || "none"}` }
  )
}

/** The chart's bars as their tooltips give them. */
async function chartBars(chart: Locator): Promise<{ runs: number; failed: number }[]> {
  const titles = await chart.locator("[title]").evaluateAll((bars) => bars.map((b) => b.getAttribute("title")!))
  return titles.map((title) => {
    const m = /^.+: (\d+) runs?, (\d+) failed$/.exec(title)
    if (!m) throw new Error(`a bar's tooltip reads "${title}"`)
    return { runs: Number(m[1]), failed: Number(m[2]) }
  })
}
const sum = (bars: { runs: number; failed: number }[], key: "runs" | "failed") => bars.reduce((n, b) => n + b[key], 0)

describe("Flows page", () => {
  let where: Warehouses
  // The carrier at Rotterdam is back after CARRIER_DOWN_MS for this one...
  let recovering: { order: any; run: any; back: Date }
  // ...and down for good for this one.
  let stuck: { order: any; run: any }

  beforeAll(async () => {
    const { shop } = admin
    where = await warehouses(shop)
    const back = new Date(Date.now() + CARRIER_DOWN_MS)
    const comesBack = await failingCarrier(shop, where, {
      failAt: [where.rotterdam],
      message: "Rotterdam carrier API timed out",
      failUntil: back,
    })
    recovering = { ...(await orderFailingToShip(shop, comesBack, "carrier-comes-back@example.com")), back }
    const staysDown = await failingCarrier(shop, where, {
      failAt: [where.rotterdam],
      message: "Rotterdam carrier account suspended",
      failUntil: null,
    })
    stuck = await orderFailingToShip(shop, staysDown, "carrier-stays-down@example.com")
  })

  it("lists the failed runs in the inbox with their flow, state, failing step and the carrier's error", async () => {
    const { page, shop } = admin
    await admin.open("/orders")
    await page.getByRole("link", { name: "Flows", exact: true }).click()
    await page.getByRole("heading", { name: "Flows" }).waitFor()

    // Above the table: the size of the inbox, as the metrics API counts it.
    const { data: counted } = await shop.api.get("/admin/omniflow/metrics?window=24h", shop.admin)
    expect(counted.inbox.open).toBe(2)
    await metrics(page).getByText("Inbox: 2", { exact: true }).waitFor()
    expect(await metrics(page).innerText()).toMatch(new RegExp(`${ORDER_FLOW}: \\d+ run\\(s\\) in 24 h, 2 failed`))

    // The inbox ("open", the default filter) holds both runs and nothing else.
    await page.getByText("2 of 2 results").waitFor()
    expect(await page.locator('[data-testid^="flow-run-"]').count()).toBe(2)
    for (const [failed, message] of [
      [recovering, "Rotterdam carrier API timed out"],
      [stuck, "Rotterdam carrier account suspended"],
    ] as const) {
      const [started, flow, state, subject, startedBy, error] = await cellsOf(page, failed.run.id)
      expect(started).toMatch(/\d{4}/)
      expect(flow).toBe(ORDER_FLOW)
      expect(state).toMatch(/^failed\s+inbox: open$/)
      expect(subject).toBe(`order ${failed.order.id}`)
      expect(startedBy).toMatch(/^order\.placed\s+system$/)
      // The step that failed, then the carrier's own words.
      expect(error).toMatch(new RegExp(`^${SHIP_STEP}: [\\s\\S]*${message}`))
      const row = runRow(page, failed.run.id)
      expect(await row.getByRole("button", { name: "Retry" }).isVisible()).toBe(true)
      expect(await row.getByRole("button", { name: "Resolve" }).isVisible()).toBe(true)

      // What the page shows is what the API recorded.
      const { flow_run } = await flowRun(shop, failed.run.id)
      expect(flow_run).toMatchObject({ workflow_id: ORDER_FLOW, state: "failed", inbox: "open", failed_step: SHIP_STEP })
      expect(flow_run.error).toContain(message)
      expect((await shop.omniflow(failed.order.id)).flow.stage).toBe("failed")
    }

    await admin.screenshot("inbox")

    // The subject links to the order.
    await runRow(page, stuck.run.id).getByRole("link", { name: `order ${stuck.order.id}` }).click()
    await page.waitForURL(`**/app/orders/${stuck.order.id}`)
  })

  it("retries a run once the carrier is back: it leaves the inbox and the order ships from both warehouses", async () => {
    const { page, shop } = admin
    await admin.open("/flows")
    const row = runRow(page, recovering.run.id)
    await row.waitFor()
    await new Promise((r) => setTimeout(r, Math.max(0, recovering.back.getTime() - Date.now() + 1000)))

    await row.getByRole("button", { name: "Retry" }).click()
    // The new run goes on in the background (capture is done, shipping is next).
    await page.getByText(new RegExp(`^Retried ${ORDER_FLOW}: the new run (running|succeeded)\\.$`)).waitFor()
    await row.waitFor({ state: "detached" })
    await metrics(page).getByText("Inbox: 1", { exact: true }).waitFor()
    expect(await runRow(page, stuck.run.id).isVisible()).toBe(true)
    await admin.screenshot("retried")

    await chooseInbox(page, "Retried")
    // The row first: the open list stays on screen (also "1 of 1") until the retried one loads.
    await runRow(page, recovering.run.id).waitFor()
    await page.getByText("1 of 1 results").waitFor()
    const [, flow, state] = await cellsOf(page, recovering.run.id)
    expect(flow).toBe(ORDER_FLOW)
    expect(state).toMatch(/^failed\s+inbox: retried$/)
    expect(await runRow(page, recovering.run.id).getByRole("button").count()).toBe(0)

    // The order ships: one live fulfilment per warehouse.
    expect((await shop.waitForStage(recovering.order.id, ["fulfilled"], 90_000)).flow.stage).toBe("fulfilled")
    const { data } = await shop.api.get(
      `/admin/orders/${recovering.order.id}?fields=id,fulfillment_status,*fulfillments`,
      shop.admin
    )
    const live = data.order.fulfillments.filter((f: any) => !f.canceled_at)
    expect(live.map((f: any) => f.location_id).sort()).toEqual([where.berlin, where.rotterdam].sort())
    expect(data.order.fulfillment_status).toBe("fulfilled")

    // The API records who retried it and the run that did, which "All" lists as its retry.
    const { data: me } = await shop.api.get("/admin/users/me", shop.admin)
    const { flow_run, retries } = await waitFor(
      () => flowRun(shop, recovering.run.id),
      (r) => r.retries[0]?.state === "succeeded",
      { timeoutMs: 60_000, intervalMs: 300, what: "the retry's run to be recorded as succeeded" }
    )
    expect(flow_run).toMatchObject({ inbox: "retried", retried_as: expect.any(String) })
    expect(retries).toEqual([
      expect.objectContaining({ retry_of: recovering.run.id, trigger: "retry", actor_type: "user", actor_id: me.user.id }),
    ])
    await chooseInbox(page, "All")
    const retryRow = runRow(page, retries[0].id)
    await retryRow.waitFor()
    const [, retryFlow, retryState, , retriedBy] = await cellsOf(page, retries[0].id)
    expect(retryFlow).toMatch(new RegExp(`^${ORDER_FLOW}\\s+retry of ${recovering.run.id}$`))
    expect(retryState).toBe("succeeded")
    expect(retriedBy).toMatch(new RegExp(`^retry of ${recovering.run.id}\\s+user ${me.user.id}$`))
  })

  it("resolves a run whose carrier stays down, with a note", async () => {
    const { page, shop } = admin
    await admin.open("/flows")
    const row = runRow(page, stuck.run.id)
    await row.getByRole("button", { name: "Resolve" }).click()
    const note = row.getByLabel("Resolution note")
    // Nothing to confirm without a note.
    expect(await row.getByRole("button", { name: "Confirm resolve" }).isDisabled()).toBe(true)
    await note.fill("Shipped the Rotterdam parcel by hand with another carrier")
    await admin.screenshot("resolution note")
    await row.getByRole("button", { name: "Confirm resolve" }).click()

    await page.getByText(`Resolved ${ORDER_FLOW}.`, { exact: true }).waitFor()
    await row.waitFor({ state: "detached" })
    await page.getByText("The inbox is empty.").waitFor()
    await metrics(page).getByText("Inbox: 0", { exact: true }).waitFor()

    await chooseInbox(page, "Resolved")
    await runRow(page, stuck.run.id).waitFor()
    await page.getByText("1 of 1 results").waitFor()
    const { data: me } = await shop.api.get("/admin/users/me", shop.admin)
    const [, , state, , , error] = await cellsOf(page, stuck.run.id)
    expect(state).toMatch(/^failed\s+inbox: resolved$/)
    expect(error).toContain("Rotterdam carrier account suspended")
    expect(error).toMatch(
      new RegExp(`resolved by ${me.user.id} · .+ · Shipped the Rotterdam parcel by hand with another carrier$`)
    )
    expect(await runRow(page, stuck.run.id).getByRole("button").count()).toBe(0)

    const { flow_run } = await flowRun(shop, stuck.run.id)
    expect(flow_run).toMatchObject({
      inbox: "resolved",
      resolved_by: me.user.id,
      resolution_note: "Shipped the Rotterdam parcel by hand with another carrier",
      resolved_at: expect.any(String),
    })
    // Resolving closes the inbox item; the order itself is left as it is.
    expect((await shop.omniflow(stuck.order.id)).flow.stage).toBe("failed")
  })

  it("filters the runs, shows a run's steps with the failing step's error, and charts runs and failures", async () => {
    const { page, shop } = admin
    await admin.open("/flows")
    await page.getByRole("heading", { name: "Flows" }).waitFor()

    // The chart: one bar per hour of the last day; both orders' failed runs are in it, and the retry that shipped.
    const day = page.getByRole("img", { name: "Runs and failures over the last 24 hours" })
    await day.waitFor()
    const hours = await chartBars(day)
    expect(hours).toHaveLength(24)
    expect(sum(hours, "failed")).toBeGreaterThanOrEqual(2)
    expect(sum(hours, "runs")).toBeGreaterThanOrEqual(3)
    expect(hours.some((b) => b.runs > 0)).toBe(true)
    // Another window redraws the chart and the summary with it.
    await metrics(page).getByRole("button", { name: "7d", exact: true }).click()
    const week = page.getByRole("img", { name: "Runs and failures over the last 7 days" })
    await week.waitFor()
    expect(await chartBars(week)).toHaveLength(28)
    expect(sum(await chartBars(week), "failed")).toBeGreaterThanOrEqual(2)
    expect(await metrics(page).innerText()).toMatch(new RegExp(`${ORDER_FLOW}: \\d+ run\\(s\\) in 7 d, 2 failed`))
    await metrics(page).getByRole("button", { name: "1h", exact: true }).click()
    const hour = page.getByRole("img", { name: "Runs and failures over the last hour" })
    await hour.waitFor()
    expect(await chartBars(hour)).toHaveLength(12)
    await metrics(page).getByRole("button", { name: "24h", exact: true }).click()
    await day.waitFor()

    // Filters combine with the inbox tabs: every run of the order flow, then its failed ones.
    await chooseInbox(page, "All")
    await chooseFilter(page, "Flow", ORDER_FLOW)
    const orderRuns = await listedAs(page, shop, `workflow_id=${ORDER_FLOW}`)
    expect(orderRuns).toEqual(expect.arrayContaining([recovering.run.id, stuck.run.id]))
    for (const id of orderRuns) {
      expect((await cellsOf(page, id))[1]).toMatch(new RegExp(`^${ORDER_FLOW}`))
    }
    await chooseFilter(page, "State", "Failed")
    expect(await listedAs(page, shop, `workflow_id=${ORDER_FLOW}&state=failed`)).toEqual([recovering.run.id, stuck.run.id].sort())
    await page.getByText("2 of 2 results").waitFor()
    for (const id of [recovering.run.id, stuck.run.id]) {
      expect((await cellsOf(page, id))[2]).toMatch(/^failed\s+inbox: (retried|resolved)$/)
    }
    await admin.screenshot("failed order runs")

    // A state no run is in.
    await chooseFilter(page, "State", "Timed out")
    await page.getByText("No runs match these filters.").waitFor()
    expect(await page.locator('[data-testid^="flow-run-"]').count()).toBe(0)

    // One order's runs: the failed one, and with any state its retry too.
    await chooseFilter(page, "State", "Failed")
    await page.getByLabel("Subject").fill(recovering.order.id)
    expect(await listedAs(page, shop, `workflow_id=${ORDER_FLOW}&state=failed&subject_id=${recovering.order.id}`)).toEqual([
      recovering.run.id,
    ])
    await chooseFilter(page, "State", "All states")
    const { retries } = await flowRun(shop, recovering.run.id)
    expect(await listedAs(page, shop, `workflow_id=${ORDER_FLOW}&subject_id=${recovering.order.id}`)).toEqual(
      [recovering.run.id, retries[0].id].sort()
    )
    // "Last hour" asks for the runs started since an hour ago; both of these are.
    const asked = page.waitForRequest((r) => r.url().includes("/admin/omniflow/runs?") && r.url().includes("started_after="))
    await chooseFilter(page, "Started", "Last hour")
    const since = Date.parse(new URL((await asked).url()).searchParams.get("started_after")!)
    expect(Math.abs(Date.now() - 3600_000 - since)).toBeLessThan(60_000)
    expect(await listedAs(page, shop, `workflow_id=${ORDER_FLOW}&subject_id=${recovering.order.id}&started_after=${new Date(since).toISOString()}`)).toEqual(
      [recovering.run.id, retries[0].id].sort()
    )
    await chooseInbox(page, "Retried")
    expect(await listedAs(page, shop, `inbox=retried&workflow_id=${ORDER_FLOW}&subject_id=${recovering.order.id}`)).toEqual([
      recovering.run.id,
    ])

    // The row opens the run: its summary, its steps in order, the failing one with the carrier's error, and its retry.
    await runRow(page, recovering.run.id).locator("td").nth(1).click()
    const drawer = page.getByRole("dialog", { name: "Flow run" })
    const summary = drawer.getByTestId("flow-run-summary")
    await summary.waitFor()
    const { flow_run } = await flowRun(shop, recovering.run.id)
    const told = await summary.innerText()
    for (const text of [ORDER_FLOW, flow_run.transaction_id, `order ${recovering.order.id}`, "order.placed", "retried"]) {
      expect(told).toContain(text)
    }
    expect(told).toMatch(/State\s+failed/)
    expect(await drawer.innerText()).toMatch(new RegExp(`${SHIP_STEP}: [\\s\\S]*Rotterdam carrier API timed out`))
    const steps = (await drawer.locator('[data-testid^="flow-step-"]').allInnerTexts()).map((t) => t.trim())
    expect(flow_run.steps.map((s: any) => s.name)).toContain(SHIP_STEP)
    expect(steps).toHaveLength(flow_run.steps.length)
    steps.forEach((text, i) => expect(text.startsWith(flow_run.steps[i].name)).toBe(true))
    const shipping = await drawer.getByTestId(`flow-step-${SHIP_STEP}`).innerText()
    expect(shipping).toMatch(new RegExp(`^${SHIP_STEP}\\s+failed\\s+\\d+ attempts? · (\\d+ ms|—)`))
    expect(shipping).toContain("Rotterdam carrier API timed out")
    const retryLine = await drawer.getByTestId("flow-run-retries").innerText()
    expect(retryLine).toContain(retries[0].id)
    expect(retryLine).toContain("succeeded")
    await admin.screenshot("run steps")

    // Its retry opens in its place, naming the run it retried.
    await drawer.getByTestId("flow-run-retries").getByRole("button", { name: retries[0].id }).click()
    await drawer.getByText("Retry of", { exact: true }).waitFor()
    expect(await summary.innerText()).toMatch(/State\s+succeeded/)
    await page.keyboard.press("Escape")
    await drawer.waitFor({ state: "detached" })
  })
})
