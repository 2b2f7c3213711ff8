import path from "path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { RECOMMENDATION_MODULE } from ".."
import RecommendationModuleService from "../service"
import * as models from "../models"

jest.setTimeout(120 * 1000)

/**
 * A hand-made history whose answer is known exactly. n = orders containing the product:
 * A 6, B 2, C 4, P 5, D 1, E 1. co(A,B) = 2, co(A,P) = 3, co(A,C) = 2, co(C,P) = co(D,P) = co(E,P) = 1.
 * P shares the most orders with A (3), but it is in almost every basket, so the cosine ranks
 * B first: 2/√(6·2) = 0.5774 > 3/√(6·5) = 0.5477 > 2/√(6·4) = 0.4082.
 */
const HISTORY: Record<string, string[]> = {
  o1: ["A", "B"],
  o2: ["A", "B"],
  o3: ["A", "C", "P"],
  o4: ["A", "P"],
  o5: ["A", "P"],
  o6: ["P", "D"],
  o7: ["P", "E"],
  o8: ["A", "C"],
  o9: ["C"],
  o10: ["C"],
}

const ranking = async (service: RecommendationModuleService, id: string) => {
  const [entry] = await service.getNeighbours([id])
  return entry.neighbours.map((n) => [n.product_id, n.score, n.orders])
}

async function snapshot(service: RecommendationModuleService) {
  const ids = ["A", "B", "C", "D", "E", "P", "X"]
  const neighbours = await service.getNeighbours(ids)
  const stats = await service.listRecommendationProductStats({}, { order: { product_id: "ASC" } })
  const pairs = await service.listRecommendationPairs({}, { order: { product_id: "ASC", other_id: "ASC" } })
  return {
    neighbours,
    stats: stats.map((s) => [
      s.product_id, s.orders, s.weight, s.copurchase_orders, s.neighbour_count, s.neighbour_min_score,
    ]),
    pairs: pairs.map((p) => [p.product_id, p.other_id, p.orders, p.weight]),
  }
}

moduleIntegrationTestRunner<RecommendationModuleService>({
  moduleName: RECOMMENDATION_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleModels: Object.values(models),
  pathToMigrations: path.join(__dirname, "..", "migrations"),
  moduleOptions: { recommendation: { neighbours: 20, minCoPurchases: 2 } },
  testSuite: ({ service }) => {
    const applyHistory = async () => {
      for (const [order_id, product_ids] of Object.entries(HISTORY)) {
        const res = await service.applyOrder({ order_id, product_ids })
        expect(res.applied).toBe(true)
      }
    }

    it("ranks co-purchases by cosine, not by raw count", async () => {
      await applyHistory()
      expect(await ranking(service, "A")).toEqual([
        ["B", 0.5774, 2],
        ["P", 0.5477, 3],
        ["C", 0.4082, 2],
      ])
      expect(await ranking(service, "P")).toEqual([
        ["A", 0.5477, 3],
        ["D", 0.4472, 1],
        ["E", 0.4472, 1],
        ["C", 0.2236, 1],
      ])
      expect(await ranking(service, "B")).toEqual([["A", 0.5774, 2]])
    })

    it("marks products with fewer co-purchase orders than the threshold as cold", async () => {
      await applyHistory()
      const entries = await service.getNeighbours(["A", "C", "D", "UNKNOWN"])
      const cold = Object.fromEntries(entries.map((e) => [e.product_id, [e.copurchase_orders, e.cold_start]]))
      // C is in 4 orders but only 2 of them hold another product.
      expect(cold).toEqual({ A: [6, false], C: [2, false], D: [1, true], UNKNOWN: [0, true] })
    })

    it("counts a replayed order once", async () => {
      await applyHistory()
      const before = await snapshot(service)
      const replay = await service.applyOrder({ order_id: "o3", product_ids: ["A", "C", "P"] })
      expect(replay.applied).toBe(false)
      expect(await snapshot(service)).toEqual(before)
    })

    it("restores every score exactly when an order is taken back out", async () => {
      await applyHistory()
      const before = await snapshot(service)

      await service.applyOrder({ order_id: "o11", product_ids: ["A", "B", "D"] })
      // n(A) 7, n(B) 3, n(D) 2: 3/√21 = 0.6547, 3/√35 = 0.5071, 2/√28 = 0.3780, 1/√14 = 0.2673
      expect(await ranking(service, "A")).toEqual([
        ["B", 0.6547, 3],
        ["P", 0.5071, 3],
        ["C", 0.378, 2],
        ["D", 0.2673, 1],
      ])
      expect((await ranking(service, "D"))[0]).toEqual(["B", 0.4082, 1])

      const removed = await service.removeOrder("o11")
      expect(removed.removed).toBe(true)
      expect(removed.order).toMatchObject({ order_id: "o11", product_ids: ["A", "B", "D"], weight: 1 })
      expect(await snapshot(service)).toEqual(before)

      // Removing twice is a no-op, and the order can be applied again afterwards.
      expect((await service.removeOrder("o11")).removed).toBe(false)
      expect((await service.applyOrder({ order_id: "o11", product_ids: ["A", "B", "D"] })).applied).toBe(true)
    })

    it("keeps incremental neighbour lists equal to a full rebuild, also with a short top N", async () => {
      // A short list makes partners' lists full, so the pruning of untouched partners matters.
      const orders = Object.entries(HISTORY).map(([order_id, product_ids]) => ({ order_id, product_ids }))
      orders.push(
        { order_id: "o11", product_ids: ["A", "B", "D"] },
        { order_id: "o12", product_ids: ["C", "D", "E", "P"] },
        { order_id: "o13", product_ids: ["B", "E"] }
      )
      for (const o of orders) {
        await service.applyOrder(o)
      }
      await service.removeOrder("o4")
      await service.removeOrder("o12")
      const incremental = await snapshot(service)

      const rebuilt = await service.rebuild(orders.filter((o) => !["o4", "o12"].includes(o.order_id)))
      expect(rebuilt).toMatchObject({ orders: 11 })
      expect(await snapshot(service)).toEqual(incremental)

      const stats = await service.getStats()
      expect(stats).toMatchObject({ orders_counted: 11, pairs: rebuilt.pairs })
      expect(stats.last_rebuild_at).toBeTruthy()
    })

    it("rebuilds from scratch to the same exact scores", async () => {
      const result = await service.rebuild(
        Object.entries(HISTORY).map(([order_id, product_ids]) => ({ order_id, product_ids }))
      )
      // pairs: AB AC AP CP DP EP
      expect(result).toMatchObject({ orders: 10, products: 6, pairs: 6 })
      expect(await ranking(service, "A")).toEqual([
        ["B", 0.5774, 2],
        ["P", 0.5477, 3],
        ["C", 0.4082, 2],
      ])
      // A replay after a rebuild is still recognised.
      expect((await service.applyOrder({ order_id: "o1", product_ids: ["A", "B"] })).applied).toBe(false)
    })
  },
})
