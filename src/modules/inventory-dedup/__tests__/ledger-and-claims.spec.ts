import path from "path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { MedusaError } from "@medusajs/framework/utils"
import { INVENTORY_DEDUP_MODULE } from ".."
import InventoryDedupModuleService from "../service"
import * as models from "../models"

jest.setTimeout(120 * 1000)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * The guarantees inventory-dedup keeps in its own tables on a real PostgreSQL: the
 * idempotency ledger (`inventory_dedup_effect`) and the lifecycle of a claim
 * (`inventory_dedup_claim`) with its one-live-claim-per-cart index. Claiming itself reads
 * core's inventory, order and cart tables and is covered by the HTTP suites.
 */
moduleIntegrationTestRunner<InventoryDedupModuleService>({
  moduleName: INVENTORY_DEDUP_MODULE,
  resolve: path.join(__dirname, ".."),
  moduleModels: Object.values(models),
  pathToMigrations: path.join(__dirname, "..", "migrations"),
  testSuite: ({ service }) => {
    const ledger = (key: string) => service.listStockEffects({ key })
    const claimRow = (id: string) => service.retrieveStockClaim(id)
    const claimsOfCart = (cart_id: string) => service.listStockClaims({ cart_id }, { order: { created_at: "ASC" } })
    // The unique index's violation, as Medusa maps it: not the claim key's (keys are random).
    const CART_TAKEN = (cart_id: string) => new RegExp(`cart_id: ${cart_id}, already exists`)
    const LINES = [{ inventory_item_id: "iitem_1", quantity: 2, sku: "GEISHA-LIMITED-100G" }]
    const hold = async (cart_id: string, key = `claim:${cart_id}:${Math.random()}`) =>
      // `lines` is a JSON array; the generated type of a json() property is a record.
      (await service.createStockClaims({ key, cart_id, lines: LINES as any, source: "checkout" })) as any

    describe("applyOnce (the ledger)", () => {
      it("runs the effect once per key and hands its first result to every replay", async () => {
        let runs = 0
        const effect = (value: string) => async () => {
          runs++
          return { value, run: runs }
        }

        const first = await service.applyOnce("reserve:order_1", "reserve", effect("first"))
        expect(first).toEqual({ result: { value: "first", run: 1 }, replayed: false })

        const replay = await service.applyOnce("reserve:order_1", "reserve", effect("second"))
        expect(replay).toEqual({ result: { value: "first", run: 1 }, replayed: true })
        expect(runs).toBe(1)

        const rows = await ledger("reserve:order_1")
        expect(rows).toHaveLength(1)
        expect(rows[0]).toMatchObject({ kind: "reserve", result: { value: "first", run: 1 } })

        // Another key is another effect.
        const other = await service.applyOnce("reserve:order_2", "reserve", effect("other"))
        expect(other).toEqual({ result: { value: "other", run: 2 }, replayed: false })
        expect(runs).toBe(2)
      })

      it("runs the effect once when many callers race with one key; all get its result", async () => {
        let runs = 0
        const effect = async () => {
          runs++
          const run = runs
          // Keep the first transaction open while the others arrive.
          await sleep(150)
          return { run }
        }

        const outcomes = await Promise.all(
          Array.from({ length: 6 }, () => service.applyOnce("cancel:order_9", "cancel", effect))
        )

        expect(runs).toBe(1)
        expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1)
        for (const o of outcomes) {
          expect(o.result).toEqual({ run: 1 })
        }
        expect(await ledger("cancel:order_9")).toHaveLength(1)
      })

      it("refuses a key already used for another kind of effect, naming the key, and runs nothing", async () => {
        await service.applyOnce("key-shared", "reserve", async () => ({ reserved: 1 }))

        let ran = false
        const error = await service
          .applyOnce("key-shared", "release", async () => {
            ran = true
            return {}
          })
          .catch((e) => e)

        expect(error).toBeInstanceOf(Error)
        expect(error.type).toBe(MedusaError.Types.INVALID_DATA)
        expect(error.message).toContain("key-shared")
        expect(error.message).toContain("reserve")
        expect(ran).toBe(false)
        const rows = await ledger("key-shared")
        expect(rows).toHaveLength(1)
        expect(rows[0]).toMatchObject({ kind: "reserve", result: { reserved: 1 } })
      })

      it("keeps no ledger row for an effect that throws, so a retry runs it", async () => {
        const error = await service
          .applyOnce("restock:order_1", "restock", async () => {
            throw new Error("inventory module unavailable")
          })
          .catch((e) => e)
        expect(error.message).toBe("inventory module unavailable")
        expect(await ledger("restock:order_1")).toEqual([])

        let ran = 0
        const retry = await service.applyOnce("restock:order_1", "restock", async () => {
          ran++
          return { restocked: 3 }
        })
        expect(ran).toBe(1)
        expect(retry).toEqual({ result: { restocked: 3 }, replayed: false })
        expect(await ledger("restock:order_1")).toHaveLength(1)
      })
    })

    describe("releaseClaim", () => {
      it("releases a held claim once, with the reason; a replay returns the first result", async () => {
        const claim = await hold("cart_1")

        const first = await service.releaseClaim({ key: "release:1", claim_id: claim.id, reason: "payment failed" })
        expect(first).toEqual({ result: { claim_id: claim.id, released: true }, replayed: false })
        expect(await claimRow(claim.id)).toMatchObject({ status: "released", note: "payment failed" })

        const replay = await service.releaseClaim({ key: "release:1", claim_id: claim.id, reason: "other" })
        expect(replay).toEqual({ result: { claim_id: claim.id, released: true }, replayed: true })
        expect((await claimRow(claim.id)).note).toBe("payment failed")

        // A new key is a new attempt, and finds nothing held to release.
        const again = await service.releaseClaim({ key: "release:2", claim_id: claim.id, reason: "again" })
        expect(again).toEqual({ result: { claim_id: claim.id, released: false }, replayed: false })
        expect(await claimRow(claim.id)).toMatchObject({ status: "released", note: "payment failed" })
      })

      it("does not release a converted claim", async () => {
        const claim = await hold("cart_1")
        await service.convertClaim({ key: "convert:1", cart_id: "cart_1", order_id: "order_1" })

        const out = await service.releaseClaim({ key: "release:1", claim_id: claim.id, reason: "late failure" })
        expect(out.result.released).toBe(false)
        expect(await claimRow(claim.id)).toMatchObject({ status: "converted", order_id: "order_1", note: null })
      })

      it("releases only the claim it names", async () => {
        const a = await hold("cart_a")
        const b = await hold("cart_b")
        await service.releaseClaim({ key: "release:a", claim_id: a.id, reason: "r" })
        expect((await claimRow(b.id)).status).toBe("held")
      })
    })

    describe("convertClaim", () => {
      it("converts the cart's held claim once, with its order; a replay returns the first result", async () => {
        const claim = await hold("cart_1")

        const first = await service.convertClaim({ key: "convert:1", cart_id: "cart_1", order_id: "order_1" })
        expect(first).toEqual({ result: { claim_id: claim.id, status: "converted" }, replayed: false })
        expect(await claimRow(claim.id)).toMatchObject({ status: "converted", order_id: "order_1" })

        const replay = await service.convertClaim({ key: "convert:1", cart_id: "cart_1", order_id: "order_other" })
        expect(replay).toEqual({ result: { claim_id: claim.id, status: "converted" }, replayed: true })

        const again = await service.convertClaim({ key: "convert:2", cart_id: "cart_1", order_id: "order_other" })
        expect(again).toEqual({ result: { claim_id: null, status: "none" }, replayed: false })
        expect((await claimRow(claim.id)).order_id).toBe("order_1")
      })

      it("changes nothing when the cart's claim was released", async () => {
        const claim = await hold("cart_1")
        await service.releaseClaim({ key: "release:1", claim_id: claim.id, reason: "completion failed" })

        const out = await service.convertClaim({ key: "convert:1", cart_id: "cart_1", order_id: "order_1" })
        expect(out).toEqual({ result: { claim_id: null, status: "none" }, replayed: false })
        expect(await claimRow(claim.id)).toMatchObject({ status: "released", order_id: null })
      })

      it("converts the cart's live claim, not an earlier released one", async () => {
        const old = await hold("cart_1")
        await service.releaseClaim({ key: "release:1", claim_id: old.id, reason: "timed out" })
        const live = await hold("cart_1")

        const out = await service.convertClaim({ key: "convert:1", cart_id: "cart_1", order_id: "order_1" })
        expect(out.result).toEqual({ claim_id: live.id, status: "converted" })
        expect(await claimRow(old.id)).toMatchObject({ status: "released", order_id: null })
        expect(await claimRow(live.id)).toMatchObject({ status: "converted", order_id: "order_1" })
      })
    })

    describe("convertRecoveredClaim", () => {
      it("converts a held claim with its order and alert once; a replay returns the first result", async () => {
        const claim = await hold("cart_1")

        const first = await service.convertRecoveredClaim({
          key: "recover:1",
          claim_id: claim.id,
          order_id: "order_1",
          alert: "GEISHA-LIMITED-100G: 1 unit could not be reserved",
        })
        expect(first).toEqual({ result: { claim_id: claim.id, converted: true }, replayed: false })
        const stored = await claimRow(claim.id)
        expect(stored).toMatchObject({
          status: "converted",
          order_id: "order_1",
          alert: "GEISHA-LIMITED-100G: 1 unit could not be reserved",
        })
        expect(stored.note).toContain("recovered")

        const replay = await service.convertRecoveredClaim({ key: "recover:1", claim_id: claim.id, order_id: "order_2" })
        expect(replay).toEqual({ result: { claim_id: claim.id, converted: true }, replayed: true })
        expect(await claimRow(claim.id)).toMatchObject({ order_id: "order_1" })

        const again = await service.convertRecoveredClaim({ key: "recover:2", claim_id: claim.id, order_id: "order_2" })
        expect(again.result.converted).toBe(false)
        expect(await claimRow(claim.id)).toMatchObject({ order_id: "order_1" })
      })

      it("changes nothing on a released claim", async () => {
        const claim = await hold("cart_1")
        await service.releaseClaim({ key: "release:1", claim_id: claim.id, reason: "no order came of it" })

        const out = await service.convertRecoveredClaim({ key: "recover:1", claim_id: claim.id, order_id: "order_1", alert: "x" })
        expect(out.result).toEqual({ claim_id: claim.id, converted: false })
        expect(await claimRow(claim.id)).toMatchObject({
          status: "released",
          order_id: null,
          alert: null,
          note: "no order came of it",
        })
      })
    })

    describe("one effect per claim under races and key reuse", () => {
      it("lets exactly one of concurrent releases and conversions of a held claim take effect", async () => {
        const claim = await hold("cart_1")

        const outcomes = await Promise.all([
          service.releaseClaim({ key: "release:a", claim_id: claim.id, reason: "a" }),
          service.convertClaim({ key: "convert:b", cart_id: "cart_1", order_id: "order_b" }),
          service.releaseClaim({ key: "release:c", claim_id: claim.id, reason: "c" }),
          service.convertRecoveredClaim({ key: "recover:d", claim_id: claim.id, order_id: "order_d" }),
          service.convertClaim({ key: "convert:e", cart_id: "cart_1", order_id: "order_e" }),
        ])
        const took = outcomes.map(({ result }: any) =>
          result.released === true || result.converted === true || result.status === "converted"
        )
        expect(took.filter(Boolean)).toHaveLength(1)

        const winner = took.indexOf(true)
        const stored = await claimRow(claim.id)
        const expected = [
          { status: "released", note: "a", order_id: null },
          { status: "converted", order_id: "order_b" },
          { status: "released", note: "c", order_id: null },
          { status: "converted", order_id: "order_d" },
          { status: "converted", order_id: "order_e" },
        ][winner]
        expect(stored).toMatchObject(expected)
      })

      it("returns the first result to concurrent replays of one release", async () => {
        const claim = await hold("cart_1")
        const outcomes = await Promise.all(
          Array.from({ length: 5 }, (_, i) => service.releaseClaim({ key: "release:1", claim_id: claim.id, reason: `r${i}` }))
        )
        expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1)
        for (const o of outcomes) {
          expect(o.result).toEqual({ claim_id: claim.id, released: true })
        }
        expect(await ledger("release:1")).toHaveLength(1)
      })

      it("refuses a release key reused for a conversion, and leaves the claim alone", async () => {
        const claim = await hold("cart_1")
        const other = await hold("cart_2")
        await service.releaseClaim({ key: "effect:1", claim_id: claim.id, reason: "r" })

        const error = await service
          .convertClaim({ key: "effect:1", cart_id: "cart_2", order_id: "order_2" })
          .catch((e) => e)
        expect(error).toBeInstanceOf(Error)
        expect(error.message).toContain("effect:1")
        expect(await claimRow(other.id)).toMatchObject({ status: "held", order_id: null })
      })
    })

    describe("one live claim per cart (unique index)", () => {
      it("refuses a second held claim while the first is held", async () => {
        await hold("cart_1")
        await expect(hold("cart_1")).rejects.toThrow(CART_TAKEN("cart_1"))
        expect(await claimsOfCart("cart_1")).toHaveLength(1)
        // Another cart is not affected.
        await hold("cart_2")
      })

      it("refuses a second held claim once the first is converted", async () => {
        await hold("cart_1")
        await service.convertClaim({ key: "convert:1", cart_id: "cart_1", order_id: "order_1" })
        await expect(hold("cart_1")).rejects.toThrow(CART_TAKEN("cart_1"))
        expect((await claimsOfCart("cart_1")).map((c) => c.status)).toEqual(["converted"])
      })

      it("allows a new claim after the first was released", async () => {
        const first = await hold("cart_1")
        await service.releaseClaim({ key: "release:1", claim_id: first.id, reason: "r" })
        const second = await hold("cart_1")
        expect((await claimsOfCart("cart_1")).map((c) => [c.id, c.status])).toEqual([
          [first.id, "released"],
          [second.id, "held"],
        ])
        // And the new one is live again: a third is refused.
        await expect(hold("cart_1")).rejects.toThrow(CART_TAKEN("cart_1"))
      })

      it("lets exactly one of concurrent claims of one cart in", async () => {
        const settled = await Promise.allSettled(Array.from({ length: 5 }, () => hold("cart_race")))
        expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(1)
        for (const s of settled.filter((s): s is PromiseRejectedResult => s.status === "rejected")) {
          expect(s.reason.message).toMatch(CART_TAKEN("cart_race"))
        }
        expect(await claimsOfCart("cart_race")).toHaveLength(1)
      })
    })
  },
})
