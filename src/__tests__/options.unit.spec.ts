import { OmniflowOptionsError, parseOmniflowOptions } from "../options"
import { DEFAULT_FLOW_POLICIES, flowPolicy, recordedWorkflowIds } from "../workflows/flow-runs/policies"

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

  it("validates per-flow policies at boot: known flows, sane values, defaults for the rest", () => {
    const options = parseOmniflowOptions({
      flows: { "recover-checkout": { retries: 5 }, "omniflow-order-flow": { inbox: false, timeoutMinutes: 45 } },
      runs: { retentionDays: 7 },
    })
    expect(flowPolicy(options, "recover-checkout")).toEqual({ ...DEFAULT_FLOW_POLICIES["recover-checkout"], retries: 5 })
    expect(flowPolicy(options, "omniflow-order-flow")).toEqual({
      ...DEFAULT_FLOW_POLICIES["omniflow-order-flow"],
      inbox: false,
      timeoutMinutes: 45,
    })
    expect(flowPolicy(options, "complete-cart")).toEqual(DEFAULT_FLOW_POLICIES["complete-cart"])
    expect(options.runs).toEqual({ record: true, retentionDays: 7 })

    expect(() => parseOmniflowOptions({ flows: { "order-flow": { retries: 1 } } })).toThrow(/flows/)
    expect(() => parseOmniflowOptions({ flows: { "recover-checkout": { retries: 11 } } })).toThrow(
      /flows\.recover-checkout\.retries/
    )
    expect(() => parseOmniflowOptions({ flows: { "recover-checkout": { retry: 1 } } })).toThrow(/flows\.recover-checkout\.retry/)
    expect(() => parseOmniflowOptions({ metrics: { token: "short" } })).toThrow(/metrics\.token: must be at least 16 characters/)
    expect(() => parseOmniflowOptions({ metrics: { workerPort: 70000 } })).toThrow(/metrics\.workerPort/)
    expect(parseOmniflowOptions({ metrics: { workerPort: 9100 } }).metrics.workerPort).toBe(9100)
  })

  it("lets a flow hold its failures instead of compensating, except the checkout and the order flow", () => {
    const options = parseOmniflowOptions({ flows: { "omniflow-onboard-customer": { compensate: false } } })
    expect(flowPolicy(options, "omniflow-onboard-customer").compensate).toBe(false)
    expect(flowPolicy(options, "omniflow-erase-customer").compensate).toBe(true)
    expect(() => parseOmniflowOptions({ flows: { "complete-cart": { compensate: false } } })).toThrow(
      /flows\.complete-cart\.compensate: core's checkout always undoes a failed checkout/
    )
    expect(() => parseOmniflowOptions({ flows: { "omniflow-order-flow": { compensate: false } } })).toThrow(
      /flows\.omniflow-order-flow\.compensate: the order flow records its own failures/
    )
    expect(() => parseOmniflowOptions({ flows: { "omniflow-onboard-customer": { compensate: "no" } } })).toThrow(
      /flows\.omniflow-onboard-customer\.compensate/
    )
  })

  it("records core's checkout only while the checkout guard is on", () => {
    expect(recordedWorkflowIds(parseOmniflowOptions({}))).toContain("complete-cart")
    expect(recordedWorkflowIds(parseOmniflowOptions({ inventoryDedup: { checkoutGuard: false } }))).not.toContain("complete-cart")
  })
})
