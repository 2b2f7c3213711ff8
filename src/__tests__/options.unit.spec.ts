import { OmniflowOptionsError, parseOmniflowOptions } from "../options"

describe("plugin options", () => {
  it("fills every default when nothing is given", () => {
    const options = parseOmniflowOptions(undefined)
    expect(options.inventoryDedup).toEqual({
      checkoutGuard: true,
      reconcileSchedule: "*/10 * * * *",
      staleClaimMinutes: 30,
    })
  })

  it("keeps given values and ignores the keys Medusa adds to module options", () => {
    const options = parseOmniflowOptions({
      inventoryDedup: { staleClaimMinutes: 5, reconcileSchedule: false },
      database: { clientUrl: "postgres://x" },
    })
    expect(options.inventoryDedup.staleClaimMinutes).toBe(5)
    expect(options.inventoryDedup.reconcileSchedule).toBe(false)
  })

  it("names the option that has a wrong value", () => {
    expect(() => parseOmniflowOptions({ inventoryDedup: { staleClaimMinutes: "soon" } })).toThrow(
      /inventoryDedup\.staleClaimMinutes: Expected number, received string/
    )
    expect(() => parseOmniflowOptions({ inventoryDedup: { staleClaimMinutes: -1 } })).toThrow(
      /inventoryDedup\.staleClaimMinutes/
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
