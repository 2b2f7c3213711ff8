import { echoId, idProblem, undecodableParameter } from "../validate-path"
import { localeProblem } from "../locale-guard"

describe("path ids", () => {
  it("accepts what could be an id and names what cannot", () => {
    expect(idProblem("order_01JABCDEF")).toBeNull()
    expect(idProblem("with space and ümlaut")).toBeNull()
    expect(idProblem("")).toMatch(/empty/)
    expect(idProblem("a\u0000b")).toMatch(/control characters/)
    expect(idProblem("x".repeat(129))).toMatch(/at most 128/)
    expect(idProblem("x".repeat(128))).toBeNull()
  })

  it("repeats at most 64 characters of an id", () => {
    expect(echoId("order_1")).toBe("order_1")
    expect(echoId("y".repeat(64))).toBe("y".repeat(64))
    expect(echoId("y".repeat(65))).toBe(`${"y".repeat(64)}…`)
  })

  it("finds the parameter a malformed escape is in, from the route it was meant for", () => {
    const patterns = ["/store/carts/:id/complete", "/admin/orders/:id/omniflow", "/a/:first/b/:second"]
    expect(undecodableParameter("/admin/orders/%/omniflow", patterns)).toBe("id")
    expect(undecodableParameter("/STORE/carts/ab%zz/complete/", patterns)).toBe("id")
    expect(undecodableParameter("/a/ok/b/%E0%A4%A", patterns)).toBe("second")
    expect(undecodableParameter("/admin/products/%", patterns)).toBe("path")
    expect(undecodableParameter("/admin/orders/%25/omniflow", patterns)).toBe("path")
  })
})

describe("locale", () => {
  it("lets core read a single value and refuses the rest", () => {
    expect(localeProblem(undefined)).toBeNull()
    expect(localeProblem("en-US")).toBeNull()
    expect(localeProblem(["a"])).toMatch(/locale/)
    expect(localeProblem({ $ne: "x" })).toMatch(/locale/)
  })
})
