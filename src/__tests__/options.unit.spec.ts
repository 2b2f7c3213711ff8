import { OmniflowOptionsError, parseOmniflowOptions } from "../options"

describe("plugin options", () => {
  it("fills every default when nothing is given", () => {
    const options = parseOmniflowOptions(undefined)
    expect(options.inventoryDedup).toEqual({
      checkoutGuard: true,
      reconcileEveryMinutes: 10,
      staleClaimMinutes: 30,
      maxConcurrentCheckouts: 4,
      checkoutQueueTimeoutSeconds: 60,
    })
  })

  it("keeps given values and ignores the keys Medusa adds to module options", () => {
    const options = parseOmniflowOptions({
      inventoryDedup: { staleClaimMinutes: 5, reconcileEveryMinutes: false },
      database: { clientUrl: "postgres://x" },
    })
    expect(options.inventoryDedup.staleClaimMinutes).toBe(5)
    expect(options.inventoryDedup.reconcileEveryMinutes).toBe(false)
  })

  it("names the option that has a wrong value", () => {
    expect(() => parseOmniflowOptions({ inventoryDedup: { staleClaimMinutes: "soon" } })).toThrow(
      /inventoryDedup\.staleClaimMinutes: Expected number, received string/
    )
    expect(() => parseOmniflowOptions({ inventoryDedup: { staleClaimMinutes: -1 } })).toThrow(
      /inventoryDedup\.staleClaimMinutes/
    )
  })

  it("fills the recommendation defaults and accepts false to turn the rebuild job off", () => {
    expect(parseOmniflowOptions(undefined).recommendation).toEqual({
      neighbours: 20,
      minCoPurchases: 2,
      rebuildSchedule: "0 3 * * *",
      responseCacheSeconds: 60,
    })
    const options = parseOmniflowOptions({
      recommendation: { rebuildSchedule: false, decayHalfLifeDays: 30, responseCacheSeconds: 0 },
    })
    expect(options.recommendation).toMatchObject({ rebuildSchedule: false, decayHalfLifeDays: 30, responseCacheSeconds: 0 })
    expect(() => parseOmniflowOptions({ recommendation: { neighbours: 0 } })).toThrow(/recommendation\.neighbours/)
    expect(() => parseOmniflowOptions({ recommendation: { responseCacheSeconds: -5 } })).toThrow(
      /recommendation\.responseCacheSeconds/
    )
  })

  it("names unknown options instead of silently ignoring a typo", () => {
    try {
      parseOmniflowOptions({ inventoryDedup: { checkoutGaurd: false } })
      throw new Error("expected a failure")
    } catch (e) {
      expect(e).toBeInstanceOf(OmniflowOptionsError)
      expect((e as OmniflowOptionsError).issues).toEqual([
        { option: "inventoryDedup.checkoutGaurd", message: "unknown option" },
      ])
    }
  })
})
