import {
  createHook,
  createStep,
  createWorkflow,
  StepResponse,
  when,
  WorkflowResponse,
} from "@medusajs/framework/workflows-sdk"
import { createMedusaContainer } from "@medusajs/framework/utils"
import { chainHookHandler } from "../chain-hook"

/**
 * A workflow shaped like core's `completeCartWorkflow`: an unconditional `validate` hook, a
 * step that creates something, an `orderCreated` hook inside a `when`, and a last step
 * that can fail. Every handler writes to `journal`, so a test reads what ran, in order.
 */
let seq = 0
function toyCheckout() {
  const journal: string[] = []
  const name = `omniflow-chain-toy-${++seq}`
  const createOrder = createStep(
    `${name}-create-order`,
    async (input: { id: string; exists?: boolean }) => {
      journal.push(`create-order:${input.id}`)
      return new StepResponse(`order-of-${input.id}`, `order-of-${input.id}`)
    },
    async (order) => {
      journal.push(`delete-order:${order}`)
    }
  )
  const finish = createStep(`${name}-finish`, async (input: { id: string; failLate?: boolean }) => {
    if (input.failLate) throw new Error("a later step failed")
    journal.push("finish")
    return new StepResponse("done")
  })
  const workflow = createWorkflow(name, (input: { id: string; exists?: boolean; failLate?: boolean }) => {
    const validate = createHook("validate", { input, cart: { id: input.id } })
    const order = when("create-order", { input }, ({ input }) => !input.exists).then(() => {
      const created = createOrder(input)
      createHook("orderCreated", { order_id: created, cart_id: input.id })
      return created
    })
    finish(input)
    return new WorkflowResponse({ order, validated: validate.getResult() }, { hooks: [validate] })
  })
  const hooks = workflow.hooks as any
  const run = (input: { id: string; exists?: boolean; failLate?: boolean }) =>
    workflow(createMedusaContainer()).run({ input, throwOnError: false })

  const guard = () => {
    chainHookHandler(workflow, "validate", {
      position: "before",
      input: ({ payload }) => (payload as { id: string }).id,
      invoke: async (cartId, ctx) => {
        journal.push(`guard:claim:${cartId}`)
        if (cartId === "sold-out") throw new Error("Out of stock")
        expect(ctx.transactionId).toEqual(expect.any(String))
        return new StepResponse(null, { claim: cartId })
      },
      compensate: async (data) => {
        journal.push(`guard:release:${data?.claim}`)
      },
    })
    chainHookHandler(workflow, "orderCreated", {
      position: "after",
      input: ({ payload }) => (payload as { id: string }).id,
      invoke: async (cartId) => {
        journal.push(`guard:convert:${cartId}`)
        if (cartId === "convert-fails") throw new Error("conversion failed")
        return new StepResponse(null)
      },
    })
  }
  const shop = () => {
    hooks.validate(
      async ({ cart }: { cart: { id: string } }) => {
        journal.push(`shop:validate:${cart.id}`)
        if (cart.id.startsWith("blocked")) throw new Error("blocked by the shop's rule")
        return new StepResponse({ ok: true }, { shopData: cart.id })
      },
      async (data: { shopData: string } | undefined) => {
        journal.push(`shop:undo:${data?.shopData}`)
      }
    )
    hooks.orderCreated(
      async ({ order_id }: { order_id: string }) => {
        journal.push(`shop:order-created:${order_id}`)
        return new StepResponse(null, order_id)
      },
      async (orderId: string | undefined) => {
        journal.push(`shop:order-created:undo:${orderId}`)
      }
    )
  }
  return { journal, run, guard, shop, hooks }
}

describe.each([
  ["the plugin loads first", (t: ReturnType<typeof toyCheckout>) => (t.guard(), t.shop())],
  ["the shop loads first", (t: ReturnType<typeof toyCheckout>) => (t.shop(), t.guard())],
])("a shop's own hooks next to the guard, when %s", (_, load) => {
  it("runs the guard, then the shop's handler, and keeps the shop's hook result", async () => {
    const t = toyCheckout()
    load(t)
    const { result, errors } = await t.run({ id: "cart" })
    expect(errors).toEqual([])
    expect(result.validated).toEqual({ ok: true })
    expect(t.journal).toEqual([
      "guard:claim:cart",
      "shop:validate:cart",
      "create-order:cart",
      "shop:order-created:order-of-cart",
      "guard:convert:cart",
      "finish",
    ])
  })

  it("releases the claim before the shop's rejection propagates", async () => {
    const t = toyCheckout()
    load(t)
    const { errors } = await t.run({ id: "blocked-cart" })
    expect(errors.map((e) => e.error.message)).toEqual(["blocked by the shop's rule"])
    // Released inside the step, then core compensates the failed step as it always does
    // (the shop's compensation, without input).
    expect(t.journal).toEqual([
      "guard:claim:blocked-cart",
      "shop:validate:blocked-cart",
      "guard:release:blocked-cart",
      "shop:undo:undefined",
    ])
  })

  it("compensates the shop's part, then the guard's, when a later step fails", async () => {
    const t = toyCheckout()
    load(t)
    const { errors } = await t.run({ id: "cart", failLate: true })
    expect(errors).toHaveLength(1)
    const undo = t.journal.slice(t.journal.indexOf("guard:convert:cart") + 1)
    expect(undo).toEqual([
      "shop:order-created:undo:order-of-cart",
      "delete-order:order-of-cart",
      "shop:undo:cart",
      "guard:release:cart",
    ])
  })

  it("undoes the shop's orderCreated with its own data when the guard's part after it fails", async () => {
    const t = toyCheckout()
    load(t)
    const { errors } = await t.run({ id: "convert-fails" })
    expect(errors.map((e) => e.error.message)).toEqual(["conversion failed"])
    expect(t.journal.slice(t.journal.indexOf("guard:convert:convert-fails"))).toEqual([
      "guard:convert:convert-fails",
      "shop:order-created:undo:order-of-convert-fails",
      // core compensates the failed step too, without input, then the steps before it
      "shop:order-created:undo:undefined",
      "delete-order:order-of-convert-fails",
      "shop:undo:convert-fails",
      "guard:release:convert-fails",
    ])
  })

  it("fails with the guard's error and never runs the shop's rule on a cart it refuses", async () => {
    const t = toyCheckout()
    load(t)
    const { errors } = await t.run({ id: "sold-out" })
    expect(errors.map((e) => e.error.message)).toEqual(["Out of stock"])
    expect(t.journal.filter((j) => j.startsWith("shop:validate"))).toEqual([])
  })

  it("skips the guard with the shop's handler when the hook's condition is false", async () => {
    const t = toyCheckout()
    load(t)
    const { errors } = await t.run({ id: "cart", exists: true })
    expect(errors).toEqual([])
    expect(t.journal).toEqual(["guard:claim:cart", "shop:validate:cart", "finish"])
  })

  it("still refuses a second handler for the same hook, as core does", () => {
    const t = toyCheckout()
    load(t)
    expect(() => t.hooks.validate(async () => undefined)).toThrow(
      "Cannot define multiple hook handlers for the validate hook"
    )
  })
})

describe("the guard alone", () => {
  it("runs around core's no-op and is chained once however often it is installed", async () => {
    const t = toyCheckout()
    t.guard()
    t.guard()
    const { errors } = await t.run({ id: "cart" })
    expect(errors).toEqual([])
    expect(t.journal).toEqual(["guard:claim:cart", "create-order:cart", "guard:convert:cart", "finish"])
  })

  it("releases its claim when a later step fails", async () => {
    const t = toyCheckout()
    t.guard()
    await t.run({ id: "cart", failLate: true })
    expect(t.journal.slice(-2)).toEqual(["delete-order:order-of-cart", "guard:release:cart"])
  })
})
