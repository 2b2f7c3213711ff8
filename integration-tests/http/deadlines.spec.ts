import { medusaIntegrationTestRunner } from "../helpers/runner"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../src/modules/risk-review"
import { appEnv } from "../helpers/app-env"
import { enforceOrderFlowDeadlines } from "../../src/workflows/order-flow"
import { waitFor } from "../helpers/wait"

jest.setTimeout(1200 * 1000)

// Undecided reviews are approved at their deadline; approved orders wait (no capture), which
// is what used to fill the job's only batch and starve everything behind it.
const env = appEnv({
  OMNIFLOW_OPTIONS: JSON.stringify({
    riskReview: { deadlinePolicy: "approve" },
    orderFlow: { capturePayment: false },
  }),
})

// Past two batches of 100 behind the 150 that used to starve them. The 1,000-review figure
// in docs/order-flow.md comes from OMNIFLOW_DEADLINE_REVIEWS=1000 (a quarter hour here).
const DUE = Number(process.env.OMNIFLOW_DEADLINE_REVIEWS ?? 250)

medusaIntegrationTestRunner({
  inApp: true,
  env,
  testSuite: ({ getContainer }) => {
    it(`handles ${DUE} reviews due at once in one pass, in due-time order, none starved`, async () => {
      const container = getContainer()
      const service = container.resolve<RiskReviewModuleService>(RISK_REVIEW_MODULE)
      const now = Date.now()
      const orderIds = Array.from({ length: DUE }, (_, i) => `order_due_${String(i).padStart(4, "0")}`)
      // 150 flows approved earlier wait first in line (oldest), as they would in a real shop.
      await service.createOrderFlows(
        orderIds.slice(0, 150).map((order_id) => ({ order_id: `${order_id}_waiting`, stage: "approved" as const }))
      )
      await service.createOrderFlows(orderIds.map((order_id) => ({ order_id, stage: "under_review" as const })))
      await service.createRiskReviews(
        orderIds.map((order_id, i) => ({
          order_id,
          status: "pending" as const,
          score: 60,
          level: "medium",
          reasons: [] as unknown as Record<string, unknown>,
          order_summary: {},
          // Due between 1 and DUE minutes ago.
          deadline_at: new Date(now - (i + 1) * 60_000),
        }))
      )

      const started = Date.now()
      const summary = await enforceOrderFlowDeadlines(container, new Date(now))
      const passSeconds = (Date.now() - started) / 1000
      // Each decided review's flow is continued by a run of its own (a durable workflow
      // run, checkpointed at every step); the pass starts them, they finish on their own.
      await waitFor(
        () => service.listAndCountOrderFlows({ stage: "under_review" }).then(([, n]) => n),
        (n) => n === 0,
        { what: "every reviewed flow to move on", timeoutMs: 900000, intervalMs: 2000 }
      )
      const seconds = (Date.now() - started) / 1000
      // eslint-disable-next-line no-console
      console.log(
        `deadline job: ${DUE} due reviews decided in one pass of ${passSeconds.toFixed(1)} s; ` +
          `every flow moved on after ${seconds.toFixed(1)} s`
      )

      // The app's own every-minute job may take part of the work at the same time; what
      // counts is that none is left and none was decided twice.
      expect(summary.reviews_expired).toBeGreaterThan(0)
      const [, pending] = await service.listAndCountRiskReviews({ status: "pending" })
      expect(pending).toBe(0)
      const decided = await service.listRiskReviews({ status: "approved" }, { take: DUE })
      expect(decided.every((r) => r.decided_by === "system:deadline")).toBe(true)
      const [, underReview] = await service.listAndCountOrderFlows({ stage: "under_review" })
      expect(underReview).toBe(0)
      const [, approved] = await service.listAndCountOrderFlows({ stage: "approved" })
      expect(approved).toBe(DUE + 150)

      // The most overdue went first: each pass takes the oldest review it can lock, so with
      // the app's own job deciding at the same moment it is one of the first two.
      const order = await service.listRiskReviews({ status: "approved" }, { take: DUE, order: { decided_at: "ASC" } })
      expect(order.slice(0, 2).map((r) => r.order_id)).toContain(orderIds[DUE - 1])
    })
  },
})
