import { medusaIntegrationTestRunner } from "../helpers/runner"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { seedDemoData, SeedResult } from "../../src/scripts/seed"
import { sweepOrderFlows } from "../../src/workflows/order-flow"
import { adminHeaders, completeCart, prepareCart, storeHeaders } from "../helpers/storefront"
import { waitFor } from "../helpers/wait"
import { appEnv } from "../helpers/app-env"

jest.setTimeout(240 * 1000)

// A shop whose only notification provider serves "feed": OmniFlow's "email" has nowhere to go.
// Every order is held for review, so the test decides its fate.
const env = appEnv({
  OMNIFLOW_OPTIONS: JSON.stringify({ riskReview: { holdScore: 0 } }),
  OMNIFLOW_NOTIFICATION_CHANNELS: "feed",
})

medusaIntegrationTestRunner({
  inApp: true,
  env,
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult

    beforeAll(async () => {
      seed = await seedDemoData(getContainer())
    })

    it("cancels a rejected order although no provider serves the email channel, shows the failed notification and retries it", async () => {
      const container = getContainer()
      const admin = await adminHeaders(api, seed.admin.email, seed.admin.password)
      const cartId = await prepareCart(api, seed.publishableKey, {
        regionId: seed.regionId,
        items: [{ variant_id: seed.variantsBySku["GRINDER-STEEL"].id, quantity: 1 }],
      })
      const placed = await completeCart(api, seed.publishableKey, cartId)
      expect(placed.status).toBe(200)
      const orderId = placed.body.order.id
      const flow = (): Promise<any> => api.get(`/admin/orders/${orderId}/omniflow`, admin).then((r) => r.data.omniflow)
      const held = await waitFor(flow, (f) => f.flow?.stage === "under_review", { what: "the order to be held" })

      const rejected = await api.post(`/admin/risk-reviews/${held.risk_review.id}/reject`, { reason: "test rejection" }, admin)
      expect(rejected.status).toBe(200)

      // The order's fate does not hang on the notification: canceled in core and on the flow.
      const done = await waitFor(flow, (f) => ["canceled", "failed"].includes(f.flow?.stage), { what: "the cancellation" })
      expect(done.flow.stage).toBe("canceled")
      const { data } = await container
        .resolve(ContainerRegistrationKeys.QUERY)
        .graph({ entity: "order", fields: ["id", "status"], filters: { id: orderId } })
      expect(data[0].status).toBe("canceled")

      // …and the failed notification is visible, naming the channel and the reason.
      const failures = (f: any) => f.timeline.filter((e: any) => e.stage === "notification" && e.status === "failed")
      expect(failures(done)).toHaveLength(1)
      expect(failures(done)[0].detail).toMatchObject({ channel: "email", template: "omniflow-order-canceled" })
      expect(failures(done)[0].detail.error).toMatch(/email/)
      const store = await api.get(`/store/orders/${orderId}/omniflow`, storeHeaders(seed.publishableKey))
      expect(store.data.omniflow.status).toMatch(/cancel/i)

      // The sweeper retries it (same idempotency key): a second attempt, still failing, recorded.
      const summary = await sweepOrderFlows(container)
      expect(summary.notifications_retried).toBe(1)
      expect(failures(await flow())).toHaveLength(2)
      const notifications = await container
        .resolve(Modules.NOTIFICATION)
        .listNotifications({ idempotency_key: `omniflow-order-canceled:${orderId}` } as any)
      expect(notifications.map((n: any) => n.status)).toEqual(["failure"])
    })
  },
})
