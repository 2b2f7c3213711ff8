import { AdmissionGate } from "../admission"

const leaveOf = (a: Awaited<ReturnType<AdmissionGate["enter"]>>) => {
  if (typeof a === "string") throw new Error(`expected admission, got ${a}`)
  return a.leave
}

describe("checkout admission gate", () => {
  it("lets `limit` in at once and the rest in arrival order", async () => {
    const gate = new AdmissionGate(2)
    const order: number[] = []
    const a = leaveOf(await gate.enter(1000))
    const b = leaveOf(await gate.enter(1000))
    const waiting = [3, 4, 5].map((n) => gate.enter(1000).then((x) => (order.push(n), leaveOf(x))))
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
    const first = leaveOf(await gate.enter(1000))
    expect(await gate.enter(30)).toBe("timeout")
    expect(gate.queued).toBe(0)
    first()
    expect(typeof (await gate.enter(30))).toBe("object")
  })

  it("lets a waiter give up as soon as its check says so", async () => {
    const gate = new AdmissionGate(1)
    leaveOf(await gate.enter(1000))
    let outOfStock = false
    const pending = gate.enter(5000, async () => outOfStock, 10)
    setTimeout(() => (outOfStock = true), 30)
    expect(await pending).toBe("gave_up")
    expect(gate.queued).toBe(0)
  })
})
