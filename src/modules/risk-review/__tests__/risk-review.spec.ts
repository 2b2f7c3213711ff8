import path from "path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { MedusaError } from "@medusajs/framework/utils"
import { RISK_REVIEW_MODULE } from ".."
import RiskReviewModuleService, { ReviewAlreadyDecidedError } from "../service"
import { OrderFlow, OrderFlowEvent, RiskReview } from "../models"

jest.setTimeout(120 * 1000)

/**
 * The guarantees of the risk-review module's own tables (order_flow, order_flow_event,
 * risk_review) on a real PostgreSQL: one flow per order, stage moves that happen once,
 * reviews decided once, the timeline and the notification retry list. Everything here is
 * read back through the generated list methods or plain SQL, never from what the test wrote.
 */
moduleIntegrationTestRunner<RiskReviewModuleService>({
  moduleName: RISK_REVIEW_MODULE,
  resolve: path.join(__dirname, ".."),
  // Listed by hand: the models barrel also exports ORDER_FLOW_STAGES.
  moduleModels: [OrderFlow, OrderFlowEvent, RiskReview],
  pathToMigrations: path.join(__dirname, "..", "migrations"),
  testSuite: ({ service, MikroOrmWrapper }) => {
    const flowsOf = (order_id: string) => service.listOrderFlows({ order_id })
    const flowOf = async (order_id: string) => {
      const rows = await flowsOf(order_id)
      expect(rows).toHaveLength(1)
      return rows[0]
    }
    const timeline = async (order_id: string) =>
      (await service.listOrderFlowEvents({ order_id }, { order: { created_at: "ASC" } })).map((e) => ({
        stage: e.stage,
        status: e.status,
        detail: e.detail,
      }))
    const sql = (query: string, params: unknown[] = []) => MikroOrmWrapper.forkManager().execute(query, params)

    describe("startFlow", () => {
      it("creates one flow per order in `assessing` and puts `started` on its timeline", async () => {
        const first = await service.startFlow("order_1")
        expect(first.created).toBe(true)
        expect(first.flow).toMatchObject({ order_id: "order_1", stage: "assessing" })

        const stored = await flowOf("order_1")
        expect(stored).toMatchObject({ id: first.flow.id, stage: "assessing" })
        expect(await timeline("order_1")).toEqual([{ stage: "assessing", status: "started", detail: null }])
      })

      it("finds the existing flow on a second call, and adds nothing", async () => {
        const first = await service.startFlow("order_1")
        await service.moveStage({ order_id: "order_1", from: ["assessing"], to: "under_review" })

        const second = await service.startFlow("order_1")
        expect(second.created).toBe(false)
        // The row as it is now (moved on), not a fresh one.
        expect(second.flow).toMatchObject({ id: first.flow.id, order_id: "order_1", stage: "under_review" })
        expect(await flowsOf("order_1")).toHaveLength(1)
        expect((await timeline("order_1")).map((e) => `${e.stage}:${e.status}`)).toEqual([
          "assessing:started",
          "under_review:entered",
        ])
      })

      it("lets exactly one of many concurrent starters create the flow; the others get the same row", async () => {
        const results = await Promise.all(Array.from({ length: 6 }, () => service.startFlow("order_race")))

        expect(results.filter((r) => r.created)).toHaveLength(1)
        const ids = new Set(results.map((r) => r.flow?.id))
        expect(ids.size).toBe(1)
        expect([...ids][0]).toEqual(expect.stringMatching(/^oflow_/))
        expect(await flowsOf("order_race")).toHaveLength(1)
        expect(await timeline("order_race")).toEqual([{ stage: "assessing", status: "started", detail: null }])
      })

      it("keeps the flows of different orders apart", async () => {
        const a = await service.startFlow("order_a")
        const b = await service.startFlow("order_b")
        expect(a.created && b.created).toBe(true)
        expect(a.flow.id).not.toEqual(b.flow.id)
        expect(await service.listOrderFlows({ order_id: ["order_a", "order_b"] })).toHaveLength(2)
      })
    })

    describe("moveStage", () => {
      it("moves from a listed stage, returns the row with its previous stage and records `entered`", async () => {
        await service.startFlow("order_1")

        const moved = await service.moveStage({ order_id: "order_1", from: ["assessing", "approved"], to: "under_review" })
        expect(moved).toMatchObject({ order_id: "order_1", stage: "under_review", previous_stage: "assessing" })
        expect((await flowOf("order_1")).stage).toBe("under_review")
        expect(await timeline("order_1")).toEqual([
          { stage: "assessing", status: "started", detail: null },
          { stage: "under_review", status: "entered", detail: null },
        ])
      })

      it("records the event it is given, and none when given null", async () => {
        await service.startFlow("order_1")
        await service.moveStage({
          order_id: "order_1",
          from: ["assessing"],
          to: "approved",
          event: { stage: "risk_assessment", status: "approve", detail: { score: 10 } },
        })
        await service.moveStage({ order_id: "order_1", from: ["approved"], to: "capturing", event: null })

        expect((await flowOf("order_1")).stage).toBe("capturing")
        expect(await timeline("order_1")).toEqual([
          { stage: "assessing", status: "started", detail: null },
          { stage: "risk_assessment", status: "approve", detail: { score: 10 } },
        ])
      })

      it("returns null and changes nothing when the flow is not in one of the listed stages", async () => {
        await service.startFlow("order_1")
        const before = await flowOf("order_1")
        const eventsBefore = await timeline("order_1")

        const moved = await service.moveStage({
          order_id: "order_1",
          from: ["under_review", "approved"],
          to: "rejected",
          patch: { failure_reason: "should not be written" },
        })

        expect(moved).toBeNull()
        expect(await flowOf("order_1")).toEqual(before)
        expect(await timeline("order_1")).toEqual(eventsBefore)
      })

      it("returns null for an order that has no flow, and creates none", async () => {
        const moved = await service.moveStage({ order_id: "order_missing", from: ["assessing"], to: "approved" })
        expect(moved).toBeNull()
        expect(await flowsOf("order_missing")).toEqual([])
        expect(await timeline("order_missing")).toEqual([])
      })

      it("writes the allowed columns of the patch with the stage", async () => {
        await service.startFlow("order_1")
        const deadline = new Date("2030-01-02T03:04:05.000Z")
        const reasons = [{ rule: "order_total", points: 60, detail: "total above 10000" }]

        await service.moveStage({
          order_id: "order_1",
          from: ["assessing"],
          to: "approved",
          patch: {
            risk_score: 60,
            risk_level: "medium",
            risk_decision: "approve",
            risk_reasons: reasons,
            payment_deadline_at: deadline,
            failure_reason: "temporary",
          },
        })
        let stored = await flowOf("order_1")
        expect(stored).toMatchObject({
          stage: "approved",
          risk_score: 60,
          risk_level: "medium",
          risk_decision: "approve",
          risk_reasons: reasons,
          failure_reason: "temporary",
        })
        expect(new Date(stored.payment_deadline_at!).toISOString()).toBe(deadline.toISOString())

        // null clears a column; a JSON column takes any JSON value.
        const shipments = [{ location_id: "sloc_1", fulfillment_id: "ful_1", items: [{ id: "item_1", quantity: 2 }] }]
        await service.moveStage({
          order_id: "order_1",
          from: ["approved"],
          to: "fulfilled",
          patch: { failure_reason: null, payment_deadline_at: null, shipments },
        })
        stored = await flowOf("order_1")
        expect(stored).toMatchObject({
          stage: "fulfilled",
          failure_reason: null,
          payment_deadline_at: null,
          shipments,
          risk_score: 60,
        })
      })

      it.each([["stage"], ["order_id"], ["no_such_column"]])(
        "refuses a patch of `%s`, naming it, and changes nothing",
        async (column) => {
          await service.startFlow("order_1")
          const before = await flowOf("order_1")
          const eventsBefore = await timeline("order_1")

          const error = await service
            .moveStage({
              order_id: "order_1",
              from: ["assessing"],
              to: "approved",
              patch: { risk_score: 5, [column]: "canceled" } as any,
            })
            .catch((e) => e)

          expect(error).toBeInstanceOf(Error)
          expect(error.message).toContain(`order_flow.${column}`)
          expect(error.type).toBe(MedusaError.Types.INVALID_DATA)
          expect(await flowOf("order_1")).toEqual(before)
          expect(await timeline("order_1")).toEqual(eventsBefore)
        }
      )

      it("lets exactly one of several concurrent moves from the same stage win", async () => {
        await service.startFlow("order_1")
        const targets = ["approved", "under_review", "rejected", "canceling"] as const

        const results = await Promise.all(
          targets.map((to) =>
            service.moveStage({ order_id: "order_1", from: ["assessing"], to, patch: { risk_level: to } })
          )
        )

        const winners = results.filter((r) => r !== null)
        expect(winners).toHaveLength(1)
        expect(winners[0].previous_stage).toBe("assessing")
        const stored = await flowOf("order_1")
        expect(stored.stage).toBe(winners[0].stage)
        // The winner's patch, not a mix of several.
        expect(stored.risk_level).toBe(winners[0].stage)
        expect((await timeline("order_1")).map((e) => `${e.stage}:${e.status}`)).toEqual([
          "assessing:started",
          `${winners[0].stage}:entered`,
        ])
      })
    })

    describe("decideReview / reopenReview", () => {
      const openReview = async (order_id = "order_1") =>
        (await service.createRiskReviews({
          order_id,
          score: 75,
          level: "high",
          reasons: [{ rule: "order_total", points: 60 }] as any, // a JSON array; typed as a record
          order_summary: { display_id: 1, email: "a@example.com", total: 20000, currency_code: "eur" },
          deadline_at: new Date(Date.now() + 48 * 3600_000),
        })) as any

      it("decides a pending review once and stores who decided, how and when", async () => {
        const review = await openReview()
        const started = Date.now()

        const decided = await service.decideReview({
          id: review.id,
          status: "rejected",
          decided_by: "user_admin",
          decision_source: "admin",
          reason: "stolen card",
          note: "called the bank",
        })
        expect(decided).toMatchObject({ id: review.id, status: "rejected", decided_by: "user_admin" })

        const stored = await service.retrieveRiskReview(review.id)
        expect(stored).toMatchObject({
          status: "rejected",
          decided_by: "user_admin",
          decision_source: "admin",
          reason: "stolen card",
          note: "called the bank",
        })
        expect(new Date(stored.decided_at!).getTime()).toBeGreaterThanOrEqual(started - 5000)
      })

      it("fails a second decision with a conflict carrying the status that won, and keeps the first", async () => {
        const review = await openReview()
        await service.decideReview({ id: review.id, status: "approved", decided_by: "user_a", decision_source: "admin" })
        const afterFirst = await service.retrieveRiskReview(review.id)

        const error = await service
          .decideReview({ id: review.id, status: "rejected", decided_by: "system:deadline", decision_source: "deadline" })
          .catch((e) => e)

        expect(error).toBeInstanceOf(ReviewAlreadyDecidedError)
        expect(error.type).toBe(MedusaError.Types.CONFLICT)
        expect(error.review).toMatchObject({ id: review.id, status: "approved" })
        expect(error.message).toContain("already approved")
        expect(await service.retrieveRiskReview(review.id)).toEqual(afterFirst)
      })

      it("lets exactly one of several concurrent decisions win; the losers see the winner's status", async () => {
        const review = await openReview()
        const decisions = (["approved", "rejected", "approved", "rejected", "rejected"] as const).map((status, i) =>
          service.decideReview({ id: review.id, status, decided_by: `user_${i}`, decision_source: "admin" })
        )

        const settled = await Promise.allSettled(decisions)
        const won = settled.filter((s): s is PromiseFulfilledResult<any> => s.status === "fulfilled")
        const lost = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected")
        expect(won).toHaveLength(1)
        expect(lost).toHaveLength(4)

        const stored = await service.retrieveRiskReview(review.id)
        expect(stored).toMatchObject({ status: won[0].value.status, decided_by: won[0].value.decided_by })
        for (const l of lost) {
          expect(l.reason).toBeInstanceOf(ReviewAlreadyDecidedError)
          expect(l.reason.review.status).toBe(stored.status)
        }
      })

      it("answers not found for an unknown review", async () => {
        const error = await service
          .decideReview({ id: "rrev_missing", status: "approved", decided_by: "user_a", decision_source: "admin" })
          .catch((e) => e)
        expect(error).toBeInstanceOf(MedusaError)
        expect(error).not.toBeInstanceOf(ReviewAlreadyDecidedError)
        expect(error.type).toBe(MedusaError.Types.NOT_FOUND)
        expect(error.message).toContain("rrev_missing")
      })

      it("decides only the review it names", async () => {
        const a = await openReview("order_a")
        const b = await openReview("order_b")
        await service.decideReview({ id: a.id, status: "approved", decided_by: "user_a", decision_source: "admin" })
        expect(await service.retrieveRiskReview(b.id)).toMatchObject({ status: "pending", decided_by: null, decided_at: null })
      })

      it("reopens a decided review to pending with the decision cleared, so it can be decided again", async () => {
        const review = await openReview()
        await service.decideReview({
          id: review.id,
          status: "rejected",
          decided_by: "user_a",
          decision_source: "admin",
          reason: "fraud",
          note: "n",
        })

        await service.reopenReview(review.id)
        expect(await service.retrieveRiskReview(review.id)).toMatchObject({
          status: "pending",
          decided_by: null,
          decided_at: null,
          decision_source: null,
          reason: null,
          note: null,
        })

        const again = await service.decideReview({
          id: review.id,
          status: "approved",
          decided_by: "system:deadline",
          decision_source: "deadline",
        })
        expect(again).toMatchObject({ status: "approved", decided_by: "system:deadline", decision_source: "deadline" })
      })
    })

    describe("discardFlow", () => {
      it("removes a flow still in `assessing` with its timeline, so a retried start begins clean", async () => {
        const first = await service.startFlow("order_1")
        await service.recordEvent("order_1", { stage: "risk_assessment", status: "scored" })
        await service.startFlow("order_2")

        await service.discardFlow("order_1")
        expect(await flowsOf("order_1")).toEqual([])
        expect(await timeline("order_1")).toEqual([])
        // Other orders are untouched.
        expect(await flowsOf("order_2")).toHaveLength(1)
        expect(await timeline("order_2")).toHaveLength(1)

        const again = await service.startFlow("order_1")
        expect(again.created).toBe(true)
        expect(again.flow.id).not.toEqual(first.flow.id)
        expect(await timeline("order_1")).toEqual([{ stage: "assessing", status: "started", detail: null }])
      })

      it("marks a flow that got past `assessing` failed instead, keeping its timeline", async () => {
        await service.startFlow("order_1", { run_id: "run_1" })
        await service.moveStage({ order_id: "order_1", from: ["assessing"], to: "under_review" })
        const eventsBefore = await timeline("order_1")
        expect(eventsBefore).toHaveLength(2)

        await service.discardFlow("order_1", "a shop's hook failed")

        expect(await flowOf("order_1")).toMatchObject({ stage: "failed", failure_reason: "a shop's hook failed", run_id: null })
        expect(await timeline("order_1")).toEqual([
          ...eventsBefore,
          { stage: "flow", status: "failed", detail: { reason: "a shop's hook failed" } },
        ])
        // Never started again: the flow row stays.
        expect((await service.startFlow("order_1")).created).toBe(false)
      })

      it("marks a flow rolled back to `assessing` after it had been reviewed failed, not discarded", async () => {
        await service.startFlow("order_1")
        await service.moveStage({ order_id: "order_1", from: ["assessing"], to: "under_review" })
        await service.moveStage({
          order_id: "order_1",
          from: ["under_review"],
          to: "assessing",
          event: { stage: "review", status: "rolled_back" },
        })

        await service.discardFlow("order_1")

        expect(await flowOf("order_1")).toMatchObject({ stage: "failed", failure_reason: "the order flow's run failed and was rolled back" })
      })
    })

    describe("runs: takeover, waits and wake-ups", () => {
      it("hands a flow to a new run only from the run it replaces, never a finished flow", async () => {
        await service.startFlow("order_1", { run_id: "run_1" })
        expect(await service.takeOverFlow({ order_id: "order_1", run_id: "run_x", from_run_id: "run_other" })).toBeNull()
        const taken = await service.takeOverFlow({ order_id: "order_1", run_id: "run_2", from_run_id: "run_1" })
        expect(taken).toMatchObject({ run_id: "run_2", stage: "assessing" })
        // The replaced run cannot take it back, and a second taker of run_1 loses.
        expect(await service.takeOverFlow({ order_id: "order_1", run_id: "run_3", from_run_id: "run_1" })).toBeNull()
        expect((await flowOf("order_1")).run_id).toBe("run_2")
        expect((await timeline("order_1")).map((e: any) => e.status)).toEqual(["started", "resumed"])

        await service.moveStage({ order_id: "order_1", from: ["assessing"], to: "canceled" })
        expect(await service.takeOverFlow({ order_id: "order_1", run_id: "run_4", from_run_id: "run_2" })).toBeNull()
      })

      it("records a wait only for the run holding the flow; one caller claims the wake-up; a move ends the wait", async () => {
        await service.startFlow("order_1", { run_id: "run_1" })
        const until = new Date(Date.now() + 60_000)
        expect(await service.awaitSignal({ order_id: "order_1", run_id: "run_old", waiting_for: "review", wait_until: until })).toBe(false)
        expect(await service.awaitSignal({ order_id: "order_1", run_id: "run_1", waiting_for: "review", wait_until: until })).toBe(true)

        expect(await service.claimWakeUp({ order_id: "order_1", waiting_for: "payment" })).toBeNull()
        const claims = await Promise.all([1, 2, 3].map(() => service.claimWakeUp({ order_id: "order_1", waiting_for: "review" })))
        expect(claims.filter(Boolean)).toEqual([{ run_id: "run_1", stage: "assessing" }])

        await service.awaitSignal({ order_id: "order_1", run_id: "run_1", waiting_for: "payment", wait_until: until })
        await service.moveStage({ order_id: "order_1", from: ["assessing"], to: "approved" })
        expect(await flowOf("order_1")).toMatchObject({ waiting_for: null, wait_until: null })

        // At rest once the run ends; a run that no longer holds the flow releases nothing.
        await service.releaseFlow({ order_id: "order_1", run_id: "run_other" })
        expect((await flowOf("order_1")).run_id).toBe("run_1")
        await service.releaseFlow({ order_id: "order_1", run_id: "run_1" })
        expect((await flowOf("order_1")).run_id).toBeNull()
      })

      it("lists waits that are over, most overdue first: decided reviews and passed deadlines", async () => {
        const now = Date.now()
        const wait = async (order_id: string, waiting_for: "review" | "payment" | "shipping_window", minutes: number) => {
          await service.startFlow(order_id, { run_id: `run_${order_id}` })
          await service.awaitSignal({ order_id, run_id: `run_${order_id}`, waiting_for, wait_until: new Date(now + minutes * 60_000) })
        }
        await wait("order_pay_due", "payment", -5)
        await wait("order_pay_later", "payment", 30)
        await wait("order_ship_due", "shipping_window", -10)
        await wait("order_review_pending", "review", -60)
        await wait("order_review_decided", "review", 600)
        const review = (o: string, status: "pending" | "approved") =>
          service.createRiskReviews({
            order_id: o,
            status,
            score: 60,
            level: "medium",
            reasons: [] as any,
            order_summary: {},
            deadline_at: new Date(now),
          })
        await review("order_review_pending", "pending")
        await review("order_review_decided", "approved")

        const due = await service.listFlowsToWake({ now: new Date(now), limit: 10 })
        expect(due).toEqual([
          { order_id: "order_ship_due", waiting_for: "shipping_window" },
          { order_id: "order_pay_due", waiting_for: "payment" },
          { order_id: "order_review_decided", waiting_for: "review" },
        ])
        expect(await service.listFlowsToWake({ now: new Date(now), limit: 10, exclude: ["order_ship_due"] })).toHaveLength(2)
      })
    })

    describe("recordEvent and the timeline's order", () => {
      it("appends events that sort in the order they were recorded, also inside one transaction", async () => {
        await service.startFlow("order_1")
        await service.recordEvent("order_1", { stage: "payment", status: "awaiting", detail: { minutes: 30 } })

        // Several events written in one transaction (as a step sharing its context does):
        // with now() they would all carry the transaction's start time and tie.
        await MikroOrmWrapper.forkManager().transactional(async (tx) => {
          for (const status of ["e1", "e2", "e3", "e4", "e5"]) {
            await service.recordEvent("order_1", { stage: "shipment", status }, { transactionManager: tx } as any)
          }
        })
        await service.recordEvent("order_2", { stage: "other", status: "x" })

        expect(await timeline("order_1")).toEqual([
          { stage: "assessing", status: "started", detail: null },
          { stage: "payment", status: "awaiting", detail: { minutes: 30 } },
          ...["e1", "e2", "e3", "e4", "e5"].map((status) => ({ stage: "shipment", status, detail: null })),
        ])
        const newestFirst = await sql(
          `SELECT status FROM order_flow_event WHERE order_id = ? ORDER BY created_at DESC`,
          ["order_1"]
        )
        expect(newestFirst.map((r) => r.status)).toEqual(["e5", "e4", "e3", "e2", "e1", "awaiting", "started"])
        const [{ n }] = await sql(
          `SELECT COUNT(DISTINCT created_at)::int AS n FROM order_flow_event WHERE order_id = ?`,
          ["order_1"]
        )
        expect(n).toBe(7)
      })
    })

    describe("listFailedNotifications", () => {
      const failed = (order_id: string, template: string, data?: Record<string, unknown>) =>
        service.recordEvent(order_id, {
          stage: "notification",
          status: "failed",
          detail: { template, channel: "email", ...(data ? { data } : {}), error: "no provider for email" },
        })
      const sent = (order_id: string, template: string) =>
        service.recordEvent(order_id, {
          stage: "notification",
          status: "sent",
          detail: { template, channel: "email", data: {}, notification_id: "noti_1" },
        })

      const history = async () => {
        await failed("order_1", "order-canceled", { n: 1 })
        await failed("order_3", "order-canceled", { n: 1 })
        await failed("order_1", "order-delayed", { n: 1 })
        await failed("order_2", "order-canceled")
        await failed("order_6", "order-canceled", { n: 1 })
        await failed("order_1", "order-canceled", { n: 2 })
        await failed("order_3", "order-canceled", { n: 2 })
        await failed("order_3", "order-canceled", { n: 3 })
        // Sent after failing: no longer to retry.
        await sent("order_1", "order-delayed")
        // A sent message of another template, or of another order, clears nothing else.
        await sent("order_2", "order-delayed")
        await sent("order_7", "order-canceled")
        // Failures outside the `notification` stage are not notifications.
        await service.recordEvent("order_4", { stage: "shipment", status: "failed", detail: { template: "order-canceled" } })
      }

      it("counts failed attempts per order and template, oldest first, with the latest data", async () => {
        await history()
        expect(await service.listFailedNotifications({ max_attempts: 4, limit: 100 })).toEqual([
          { order_id: "order_1", template: "order-canceled", data: { n: 2 }, attempts: 2 },
          { order_id: "order_3", template: "order-canceled", data: { n: 3 }, attempts: 3 },
          { order_id: "order_2", template: "order-canceled", data: {}, attempts: 1 },
          { order_id: "order_6", template: "order-canceled", data: { n: 1 }, attempts: 1 },
        ])
      })

      it("leaves out notifications tried max_attempts times, and honours the limit", async () => {
        await history()
        expect(
          (await service.listFailedNotifications({ max_attempts: 3, limit: 100 })).map((n) => [n.order_id, n.attempts])
        ).toEqual([
          ["order_1", 2],
          ["order_2", 1],
          ["order_6", 1],
        ])
        expect(
          (await service.listFailedNotifications({ max_attempts: 2, limit: 100 })).map((n) => [n.order_id, n.attempts])
        ).toEqual([
          ["order_2", 1],
          ["order_6", 1],
        ])
        expect(
          (await service.listFailedNotifications({ max_attempts: 4, limit: 2 })).map((n) => n.order_id)
        ).toEqual(["order_1", "order_3"])
      })

      it("drops a notification once it is sent", async () => {
        await history()
        await sent("order_3", "order-canceled")
        expect((await service.listFailedNotifications({ max_attempts: 10, limit: 100 })).map((n) => n.order_id)).toEqual([
          "order_1",
          "order_2",
          "order_6",
        ])
      })

      it("is empty when nothing failed", async () => {
        await sent("order_1", "order-canceled")
        await service.startFlow("order_1")
        expect(await service.listFailedNotifications({ max_attempts: 10, limit: 100 })).toEqual([])
      })
    })
  },
})
