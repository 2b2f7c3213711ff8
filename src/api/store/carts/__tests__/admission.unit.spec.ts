import { AdmissionGate } from "../admission"

const admitted = (leave: (() => void) | null) => {
  if (!leave) throw new Error("expected to be let in")
  return leave
}

describe("checkout admission gate", () => {
  it("lets `limit` in at once and the rest in arrival order", async () => {
    const gate = new AdmissionGate(2)
    const order: number[] = []
    const a = admitted(await gate.enter(1000))
    const b = admitted(await gate.enter(1000))
    const waiting = [3, 4, 5].map((n) => gate.enter(1000).then((x) => (order.push(n), admitted(x))))
    expect(gate.queued).toBe(3)
    a()
    a() // leaving twice frees one place only
    const c = await waiting[0]
    expect(order).toEqual([3])
    expect(gate.queued).toBe(2)
    b()
    c()
    await Promise.all(waiting.slice(1)).then((ls) => ls.forEach((l) => l()))
    expect(order).toEqual([3, 4, 5])
  })

  it("refuses a waiter after its timeout and forgets it", async () => {
    const gate = new AdmissionGate(1)
    const first = admitted(await gate.enter(1000))
    expect(await gate.enter(30)).toBeNull()
    expect(gate.queued).toBe(0)
    first()
    expect(typeof (await gate.enter(30))).toBe("function")
  })
})

describe("checkout admission estimates", () => {
  it("knows no wait while a place is free, nothing before a first stay, then one average stay per round ahead", async () => {
    const gate = new AdmissionGate(2)
    expect(gate.expectedWaitMs()).toBe(0)
    const a = admitted(await gate.enter(1000))
    const b = admitted(await gate.enter(1000))
    expect(gate.expectedWaitMs()).toBeNull()
    await new Promise((r) => setTimeout(r, 50))
    a()
    const c = admitted(await gate.enter(1000))
    const stay = gate.averageServiceMs!
    expect(stay).toBeGreaterThanOrEqual(45)
    // Both places taken, nobody queued: the next one waits one round.
    expect(gate.expectedWaitMs()).toBe(stay)
    const waiting = [1, 2, 3].map(() => gate.enter(Infinity))
    // Three queued ahead of a newcomer: it is fourth in line for two places, two rounds.
    expect(gate.expectedWaitMs()).toBe(2 * stay)
    b()
    c()
    for (const w of waiting) admitted(await w)()
  })
})

describe("turning requests away", () => {
  it("books each turned-away request its own later turn, one after another", async () => {
    const gate = new AdmissionGate(2)
    const a = admitted(await gate.enter(1000))
    const b = admitted(await gate.enter(1000))
    await new Promise((r) => setTimeout(r, 40))
    a()
    const c = admitted(await gate.enter(1000))
    const stay = gate.averageServiceMs!
    const now = Date.now()
    // Both places taken: the first one told waits one round; each next one half a stay
    // later (two places), not the same round as everyone else.
    const told = [1, 2, 3, 4].map(() => gate.retryAfterMs(now))
    expect(told).toEqual([stay, stay * 1.5, stay * 2, stay * 2.5])
    // Once the booked turns have passed, a newcomer is told the queue's own wait again.
    expect(gate.retryAfterMs(now + 10 * stay)).toBe(stay)
    b()
    c()
  })
})

describe("claims before completions", () => {
  it("holds a completion while claims are being decided, and no longer than its bound", async () => {
    const gate = new AdmissionGate(2)
    const decided = [gate.arrive(), gate.arrive()]
    let started = false
    const completion = gate.quiet(5000).then(() => (started = true))
    await new Promise((r) => setTimeout(r, 20))
    decided[0]()
    decided[0]() // deciding twice counts once
    await new Promise((r) => setTimeout(r, 20))
    expect(started).toBe(false)
    decided[1]()
    await completion
    expect(started).toBe(true)

    const stuck = gate.arrive()
    const t0 = Date.now()
    await gate.quiet(40)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35)
    stuck()
    await gate.quiet(5000) // nothing deciding: at once
  })
})
