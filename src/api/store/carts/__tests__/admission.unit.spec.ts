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
