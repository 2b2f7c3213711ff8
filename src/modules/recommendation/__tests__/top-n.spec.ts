import path from "path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { RECOMMENDATION_MODULE } from ".."
import RecommendationModuleService from "../service"
import * as models from "../models"

jest.setTimeout(120 * 1000)

// Same history as recommendation.spec.ts, plus three orders that fill partners' lists.
const ORDERS = [
  { order_id: "o1", product_ids: ["A", "B"] },
  { order_id: "o2", product_ids: ["A", "B"] },
  { order_id: "o3", product_ids: ["A", "C", "P"] },
  { order_id: "o4", product_ids: ["A", "P"] },
  { order_id: "o5", product_ids: ["A", "P"] },
  { order_id: "o6", product_ids: ["P", "D"] },
  { order_id: "o7", product_ids: ["P", "E"] },
  { order_id: "o8", product_ids: ["A", "C"] },
  { order_id: "o9", product_ids: ["C"] },
  { order_id: "o10", product_ids: ["C"] },
  { order_id: "o11", product_ids: ["A", "B", "D"] },
  { order_id: "o12", product_ids: ["C", "D", "E", "P"] },
  { order_id: "o13", product_ids: ["B", "E"] },
]

const ranking = async (service: RecommendationModuleService, id: string) => {
  const [entry] = await service.getNeighbours([id])
  return entry.neighbours.map((n) => n.product_id)
}

moduleIntegrationTestRunner<RecommendationModuleService>({
  moduleName: RECOMMENDATION_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleModels: Object.values(models),
  pathToMigrations: path.join(__dirname, "..", "migrations"),
  moduleOptions: { recommendation: { neighbours: 2, minCoPurchases: 1 } },
  testSuite: ({ service }) => {
    it("keeps only the top N per product, and still matches a rebuild after removals", async () => {
      for (const o of ORDERS) {
        await service.applyOrder(o)
      }
      expect(await ranking(service, "A")).toEqual(["B", "P"])
      await service.removeOrder("o1")
      await service.removeOrder("o11")
      const incremental = await service.getNeighbours(["A", "B", "C", "D", "E", "P"])
      await service.recompute()
      expect(await service.getNeighbours(["A", "B", "C", "D", "E", "P"])).toEqual(incremental)
      expect(incremental.find((e) => e.product_id === "D")!.cold_start).toBe(false)
    })
  },
})
