import http from "http"
import { medusaIntegrationTestRunner } from "../helpers/runner"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { adminHeaders, completeCart, prepareCart, registerCustomer, storeHeaders } from "../helpers/storefront"
import { appEnv } from "../helpers/app-env"
import { waitFor } from "../helpers/wait"

jest.setTimeout(240 * 1000)

// Orders above 50 EUR are held for review, so the admin timeline has a decision to show.
// Set before the runner loads medusa-config.ts, which it does before applying `env`.
const env = appEnv({
  OMNIFLOW_OPTIONS: JSON.stringify({
    riskReview: { holdAboveAmount: 50 },
    orderFlow: { shipAfterMinutes: 0 },
  }),
})

type Answer = { status: number; message: string | undefined; ms: number }

/** An answer slower than this counts as none: the request is dropped and reported as status 0. */
const GIVE_UP_MS = 3000

/**
 * One request exactly as written — axios would re-encode a lone `%` or `[]` — timed from
 * the first byte sent to the last byte received.
 */
function rawRequest(
  baseURL: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string } = {}
): Promise<Answer> {
  const { hostname, port } = new URL(baseURL)
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const req = http.request(
      {
        host: hostname,
        port,
        method,
        path,
        headers: {
          ...(opts.body !== undefined
            ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(opts.body)) }
            : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let text = ""
        res.setEncoding("utf8")
        res.on("data", (chunk) => (text += chunk))
        res.on("end", () => {
          let message: string | undefined
          try {
            message = JSON.parse(text).message
          } catch {
            message = undefined
          }
          resolve({ status: res.statusCode ?? 0, message, ms: performance.now() - started })
        })
      }
    )
    req.setTimeout(GIVE_UP_MS, () => {
      req.destroy()
      resolve({ status: 0, message: "no answer", ms: performance.now() - started })
    })
    req.on("error", (e) => (req.destroyed ? undefined : reject(e)))
    if (opts.body !== undefined) {
      req.write(opts.body)
    }
    req.end()
  })
}

medusaIntegrationTestRunner({
  inApp: true,
  env,
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult

    beforeAll(async () => {
      seed = await seedDemoData(getContainer())
    })

    const key = () => seed.publishableKey
    const send = (method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}) =>
      rawRequest(api.defaults.baseURL!, method, path, opts)
    const adminAuth = async () => (await adminHeaders(api, seed.admin.email, seed.admin.password)).headers

    /**
     * Every OmniFlow route: `{id}` marks the path id, `body` is a valid body for POSTs (so
     * only the hostile part is wrong), `who` the caller the route needs.
     */
    const ROUTES: { method: "GET" | "POST"; path: string; who: "store" | "customer" | "admin"; body?: string }[] = [
      { method: "GET", path: "/store/products/{id}/recommendations", who: "store" },
      { method: "GET", path: "/store/customers/me/recommendations", who: "customer" },
      { method: "GET", path: "/store/orders/{id}/omniflow", who: "store" },
      { method: "GET", path: "/admin/risk-reviews", who: "admin" },
      { method: "GET", path: "/admin/risk-reviews/{id}", who: "admin" },
      { method: "POST", path: "/admin/risk-reviews/{id}/approve", who: "admin", body: "{}" },
      { method: "POST", path: "/admin/risk-reviews/{id}/reject", who: "admin", body: '{"reason":"fraud"}' },
      { method: "GET", path: "/admin/inventory-dedup/claims", who: "admin" },
      { method: "GET", path: "/admin/orders/{id}/omniflow", who: "admin" },
      { method: "POST", path: "/admin/recommendations/rebuild", who: "admin", body: "{}" },
      { method: "GET", path: "/admin/recommendations/stats", who: "admin" },
    ]

    const HOSTILE_IDS: [string, string][] = [
      ["a NUL byte", "%00"],
      ["a lone %", "%"],
      ["a malformed escape", "abc%zz"],
      ["an id with a NUL inside", "order_01%00x"],
      ["a 5000-character id", "x".repeat(5000)],
    ]
    const HOSTILE_QUERIES: [string, string, RegExp][] = [
      ["locale[]=a", "locale[]=a", /locale/],
      ["locale[$ne]=x", "locale[$ne]=x", /locale/],
      ["two locales", "locale=en&locale=de", /locale/],
      ["offset beyond 2^53", "offset=9007199254740993", /offset/],
      ["offset=1e400", "offset=1e400", /offset/],
      ["offset[]=1", "offset[]=1", /offset/],
    ]
    const HOSTILE_BODIES: [string, string][] = [
      ["[]", "[]"],
      ['"x"', '"x"'],
      ["1", "1"],
      ["null", "null"],
      ["broken JSON", '{"note":'],
    ]

    async function callerHeaders(who: "store" | "customer" | "admin", admin: Record<string, string>) {
      if (who === "admin") return admin
      if (who === "store") return storeHeaders(key()).headers
      const customer = await registerCustomer(api, key(), `hostile-${Math.random().toString(36).slice(2, 8)}@example.com`)
      return storeHeaders(key(), customer.token).headers
    }

    /** A product id the storefront may see, so only the hostile part of a request is wrong. */
    const sampleId = (path: string) =>
      path.startsWith("/store/products/") ? seed.variantsBySku["ESPRESSO-250G"].productId : "id_that_does_not_exist"

    function expectRejected(what: string, answer: Answer, names: RegExp) {
      // One object, so a failure shows which request it was and everything it got back.
      expect({ what, status: answer.status, namesField: names.test(answer.message ?? ""), fast: answer.ms < 1000 }).toEqual({
        what,
        status: 400,
        namesField: true,
        fast: true,
      })
    }

    describe("every OmniFlow route answers hostile input with a 400 naming the parameter, within a second", () => {
      it("hostile path ids", async () => {
        const admin = await adminAuth()
        for (const route of ROUTES.filter((r) => r.path.includes("{id}"))) {
          const headers = await callerHeaders(route.who, admin)
          for (const [label, id] of HOSTILE_IDS) {
            const answer = await send(route.method, route.path.replace("{id}", id), { headers, body: route.body })
            expectRejected(`${route.method} ${route.path} with ${label}`, answer, /\bid\b/)
            // The hostile id is never echoed whole.
            expect((answer.message ?? "").length).toBeLessThan(300)
          }
        }
      })

      it("hostile query parameters", async () => {
        const admin = await adminAuth()
        for (const route of ROUTES) {
          const headers = await callerHeaders(route.who, admin)
          const path = route.path.replace("{id}", sampleId(route.path))
          for (const [label, query, names] of HOSTILE_QUERIES) {
            const answer = await send(route.method, `${path}?${query}`, { headers, body: route.body })
            expectRejected(`${route.method} ${route.path}?${label}`, answer, names)
          }
        }
      })

      it("bodies that are not a JSON object", async () => {
        const admin = await adminAuth()
        for (const route of ROUTES.filter((r) => r.method === "POST")) {
          for (const [label, body] of HOSTILE_BODIES) {
            const answer = await send(route.method, route.path.replace("{id}", "rrev_that_does_not_exist"), {
              headers: admin,
              body,
            })
            expectRejected(`${route.method} ${route.path} with body ${label}`, answer, /\bbody\b/)
          }
        }
      })

      it("ids and keys in the query", async () => {
        const admin = await adminAuth()
        const product = seed.variantsBySku["ESPRESSO-250G"].productId
        const cases: [string, Record<string, string>, RegExp][] = [
          ["/admin/inventory-dedup/claims?cart_id=%00", admin, /cart_id/],
          [`/store/products/${product}/recommendations?region_id=%00`, storeHeaders(key()).headers, /region_id/],
          // Medusa's query validator raises this one as a 500 of its own.
          ["/admin/risk-reviews?a.b.c=1", admin, /a\.b\.c/],
        ]
        for (const [path, headers, names] of cases) {
          expectRejected(`GET ${path}`, await send("GET", path, { headers }), names)
        }
      })

      it("core's own store routes answer an unreadable locale too, instead of never", async () => {
        // The guard replaces core's locale middleware for the whole store API.
        const answer = await send("GET", "/store/products?locale[]=a", { headers: storeHeaders(key()).headers })
        expectRejected("GET /store/products?locale[]=a", answer, /locale/)
      })

      it("still serves the same routes given sane input", async () => {
        const admin = await adminAuth()
        const product = seed.variantsBySku["ESPRESSO-250G"].productId
        const ok: [string, string, Record<string, string>, number][] = [
          ["GET", `/store/products/${product}/recommendations?limit=3&locale=en-US`, storeHeaders(key()).headers, 200],
          ["GET", "/admin/risk-reviews?offset=9007199254740991&limit=5", admin, 200],
          ["GET", "/admin/inventory-dedup/claims?offset=0&status=held", admin, 200],
          ["GET", "/admin/recommendations/stats", admin, 200],
          // A plausible id that does not exist is "not found", not "bad request".
          ["GET", "/admin/risk-reviews/rrev_01JNOTTHERE", admin, 404],
          ["GET", "/admin/orders/order_01JNOTTHERE/omniflow", admin, 404],
          ["GET", "/store/orders/order_01JNOTTHERE/omniflow", storeHeaders(key()).headers, 404],
        ]
        for (const [method, path, headers, status] of ok) {
          const answer = await send(method, path, { headers })
          expect({ path, status: answer.status }).toEqual({ path, status })
        }
        const page = await api.get("/admin/risk-reviews?offset=9007199254740991", { headers: admin })
        expect(page.data).toMatchObject({ risk_reviews: [], offset: 9007199254740991 })
        const rebuilt = await send("POST", "/admin/recommendations/rebuild", { headers: admin, body: "{}" })
        expect(rebuilt.status).toBe(200)
      })

      it("cuts an unknown long id to 64 characters when it echoes it", async () => {
        const admin = await adminAuth()
        const id = `order_${"7".repeat(100)}`
        for (const [path, headers] of [
          [`/admin/orders/${id}/omniflow`, admin],
          [`/admin/risk-reviews/${id}`, admin],
          [`/store/orders/${id}/omniflow`, storeHeaders(key()).headers],
          [`/store/products/${id}/recommendations`, storeHeaders(key()).headers],
        ] as const) {
          const answer = await send("GET", path, { headers })
          expect({ path, status: answer.status }).toEqual({ path, status: 404 })
          expect(answer.message).toContain(`${id.slice(0, 64)}…`)
          expect(answer.message).not.toContain(id.slice(0, 65))
        }
      })
    })

    describe("store timeline access follows core's GET /store/orders/:id", () => {
      it("lets a guest read the timeline of the order it placed without logging in", async () => {
        const cartId = await prepareCart(api, key(), {
          regionId: seed.regionId,
          items: [{ variant_id: seed.variantsBySku["MUG-WHITE"].id, quantity: 1 }],
        })
        const placed = await completeCart(api, key(), cartId)
        expect(placed.status).toBe(200)
        const orderId = placed.body.order.id

        const res = await api.get(`/store/orders/${orderId}/omniflow`, { ...storeHeaders(key()), validateStatus: () => true })
        expect(res.status).toBe(200)
        expect(res.data.omniflow.order_id).toBe(orderId)
        expect(res.data.omniflow.timeline[0]).toMatchObject({ status: "order received" })
        // The customer's view: no risk scores or rules.
        expect(JSON.stringify(res.data)).not.toMatch(/score|reasons/)
      })

      it("hides another customer's order from a logged-in customer, and a guest's order too", async () => {
        const owner = await registerCustomer(api, key(), "owner@example.com")
        const nosy = await registerCustomer(api, key(), "nosy@example.com")
        const cartId = await prepareCart(api, key(), {
          regionId: seed.regionId,
          token: owner.token,
          email: "owner@example.com",
          items: [{ variant_id: seed.variantsBySku["MUG-WHITE"].id, quantity: 1 }],
        })
        const placed = await completeCart(api, key(), cartId, owner.token)
        expect(placed.status).toBe(200)
        const orderId = placed.body.order.id
        const read = (token?: string) =>
          api.get(`/store/orders/${orderId}/omniflow`, { ...storeHeaders(key(), token), validateStatus: () => true })

        expect((await read(nosy.token)).status).toBe(404)
        expect((await read(owner.token)).status).toBe(200)

        const guestCart = await prepareCart(api, key(), {
          regionId: seed.regionId,
          items: [{ variant_id: seed.variantsBySku["MUG-WHITE"].id, quantity: 1 }],
        })
        const guestOrder = (await completeCart(api, key(), guestCart)).body.order.id
        const guestRead = await api.get(`/store/orders/${guestOrder}/omniflow`, {
          ...storeHeaders(key(), nosy.token),
          validateStatus: () => true,
        })
        expect(guestRead.status).toBe(404)
      })
    })

    describe("admin timeline", () => {
      it("says in words what happened and who decided, next to the raw events", async () => {
        const admin = { headers: await adminAuth() }
        const cartId = await prepareCart(api, key(), {
          regionId: seed.regionId,
          items: [{ variant_id: seed.variantsBySku["GRINDER-STEEL"].id, quantity: 1 }],
        })
        const placed = await completeCart(api, key(), cartId)
        expect(placed.status).toBe(200)
        const orderId = placed.body.order.id
        const view = async () => (await api.get(`/admin/orders/${orderId}/omniflow`, admin)).data.omniflow

        const held = await waitFor(view, (v) => v.flow?.stage === "under_review", { what: "the order to be held" })
        await api.post(`/admin/risk-reviews/${held.risk_review.id}/approve`, { note: "known buyer" }, admin)
        const done = await waitFor(view, (v) => ["fulfilled", "failed"].includes(v.flow?.stage), {
          what: "the approved order to ship",
        })

        // Raw data is still there.
        expect(done.timeline.map((e: any) => `${e.stage}:${e.status}`)).toEqual(
          expect.arrayContaining(["assessing:started", "risk_assessment:hold", "review:approved"])
        )
        for (const entry of done.timeline) {
          expect(typeof entry.title).toBe("string")
          expect(entry.title.length).toBeGreaterThan(0)
          expect(typeof entry.summary).toBe("string")
        }
        const hold = done.timeline.find((e: any) => e.stage === "risk_assessment")
        expect(hold.title).toMatch(/held for review/i)
        expect(hold.summary).toMatch(/score \d+/i)

        const decision = done.timeline.find((e: any) => e.stage === "review")
        expect(decision.detail.decided_by).toMatch(/^user_/)
        expect(decision.actor).toMatchObject({ type: "user", id: decision.detail.decided_by, email: seed.admin.email })
        expect(decision.title).toContain(seed.admin.email)
        expect(decision.summary).toContain("known buyer")
        expect(done.risk_review.decided_by_actor).toMatchObject({ type: "user", email: seed.admin.email })
      })
    })
  },
})
