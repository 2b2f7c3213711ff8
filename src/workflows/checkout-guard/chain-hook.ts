import { SkipStepResponse, WorkflowManager } from "@medusajs/framework/orchestration"
import type { WorkflowStepHandler, WorkflowStepHandlerArguments } from "@medusajs/framework/orchestration"
import type { MedusaContainer } from "@medusajs/framework/types"
import { OrchestrationUtils } from "@medusajs/framework/utils"

/**
 * A core workflow hook accepts one handler (`createHook`: "Cannot define multiple hook
 * handlers for the … hook"), so a plugin that registers one takes the hook from the shop.
 * `chainHookHandler` shares it instead: the plugin's part runs in the same hook step as
 * whatever occupies the hook — core's no-op, or the handler the shop registers through
 * `workflow.hooks[name]`, before or after the plugin loaded.
 *
 * How: a hook is one step of the workflow, and its handler lives in the workflow's handler
 * map (`WorkflowManager.getWorkflow(id).handlers_`, read on every step execution). The
 * entry found there is wrapped in a composite `{ invoke, compensate }`, and
 * `workflow.hooks[name]` is replaced by a registrar that lets core register the shop's
 * handler as usual (so a second shop registration still fails as in core) and then wraps
 * the new entry. Whichever file loads first, the step ends up running both.
 *
 * Semantics of the composite, `position: "before"` (`"after"` mirrors it):
 * - invoke: the plugin's part, then the shop's handler. If the shop's handler throws, the
 *   plugin's part is compensated before the error propagates.
 * - compensate (a later step failed): the shop's compensation with the shop's own
 *   compensation input, then the plugin's. When the step itself failed there is no stored
 *   output: the shop's compensation is called without input, exactly as core calls a
 *   failed step's compensation; the plugin's part was already undone in invoke.
 * - the step's result (`hook.getResult()`) stays the shop's.
 * - a shop handler skipped by a `when` condition (hooks inside `when(...).then`) skips the
 *   plugin's part too.
 * - `"after"`: if the plugin's part throws, the shop's handler is compensated with its own
 *   data before the error propagates (and core then calls its compensation once more,
 *   without input, as for any failed step).
 *
 * Medusa internals this leans on (2.21.2; `__tests__/chain-hook.unit.spec.ts` runs a real
 * workflow through every case, so an upgrade that changes them fails there):
 * - `WorkflowManager.getWorkflow(id).handlers_` is the map `WorkflowManager.buildHandlers`
 *   reads at every step execution, and the one `createHook`'s registrar writes to;
 * - a step handler is `{ invoke(args), compensate(args) }`, its stored output is
 *   `args.invoke[name]` = `{ __type: WorkflowWorkflowData, output: StepResponse.toJSON() }`
 *   (`createStepHandler`), and a `when` condition that fails makes `invoke` return a
 *   `SkipStepResponse`;
 * - `workflow.hooks` is a plain object whose registrars can be replaced.
 */
export type HookLink<TInput, TCompensate> = {
  /** Where the plugin's part runs relative to the shop's handler. */
  position: "before" | "after"
  /** The plugin's input, from the step's arguments (e.g. the workflow input, `payload`). */
  input: (args: WorkflowStepHandlerArguments) => TInput
  invoke: (input: TInput, ctx: LinkContext) => Promise<{ compensateInput?: TCompensate }>
  compensate?: (data: TCompensate | undefined, ctx: LinkContext) => Promise<unknown>
}

/** What the plugin's part sees of the step, as a step handler would. */
export type LinkContext = {
  container: MedusaContainer
  context: { transactionId?: string } & Record<string, unknown>
  transactionId?: string
  action: "invoke" | "compensate"
}

type StepHandlers = { invoke: WorkflowStepHandler; compensate?: WorkflowStepHandler }
type Registrar = (invoke: (...args: any[]) => unknown, compensate?: (...args: any[]) => unknown) => void
type HookedWorkflow = { getName: () => string; hooks: object }

const CHAINED = Symbol.for("medusa-plugin-omniflow.chained-hook")
/** Key under which the composite keeps both parts' compensation data (JSON-safe). */
const STORE = "omniflow:chain"
const STEP_RESPONSE = OrchestrationUtils.SymbolWorkflowStepResponse
const WORKFLOW_DATA = OrchestrationUtils.SymbolWorkflowWorkflowData

/**
 * Chains `link` into `workflow`'s `hookName` hook. Safe to call more than once; returns
 * nothing, throws only if the workflow has no such hook (a Medusa upgrade renamed it).
 */
export function chainHookHandler<TInput, TCompensate>(
  workflow: HookedWorkflow,
  hookName: string,
  link: HookLink<TInput, TCompensate>
): void {
  const workflowId = workflow.getName()
  const hooks = workflow.hooks as Record<string, Registrar & { [CHAINED]?: true }>
  const register = hooks[hookName]
  const handlers: Map<string, StepHandlers & { [CHAINED]?: true }> | undefined =
    WorkflowManager.getWorkflow(workflowId)?.handlers_
  if (typeof register !== "function" || !handlers?.get(hookName)) {
    throw new Error(`[omniflow] workflow "${workflowId}" has no "${hookName}" hook to chain into`)
  }

  const wrapSlot = () => {
    const inner = handlers.get(hookName)!
    if (!inner[CHAINED]) {
      handlers.set(hookName, composite(hookName, inner, link))
    }
  }

  if (!register[CHAINED]) {
    // The shop registers through core as usual, then its handler is chained.
    const chained = (invoke: (...args: any[]) => unknown, compensate?: (...args: any[]) => unknown) => {
      register(invoke, compensate)
      wrapSlot()
    }
    hooks[hookName] = Object.assign(chained, { [CHAINED]: true as const })
  }
  // Core's no-op, or a handler the shop registered before this file loaded.
  wrapSlot()
}

function composite<TInput, TCompensate>(
  name: string,
  inner: StepHandlers,
  link: HookLink<TInput, TCompensate>
): StepHandlers & { [CHAINED]: true } {
  const ctxOf = (args: WorkflowStepHandlerArguments, action: LinkContext["action"]): LinkContext => {
    const context = (args.context ?? {}) as LinkContext["context"]
    return { container: args.container, context, transactionId: context.transactionId, action }
  }
  const runOwn = async (args: WorkflowStepHandlerArguments) =>
    (await link.invoke(link.input(args), ctxOf(args, "invoke")))?.compensateInput
  const undoOwn = async (data: TCompensate | undefined, args: WorkflowStepHandlerArguments) => {
    await link.compensate?.(data, ctxOf(args, "compensate"))
  }
  // The inner handler reads its stored output from `invoke[name]`: hand it its own.
  const withInnerOutput = (args: WorkflowStepHandlerArguments, innerOut: unknown) =>
    ({ ...args, invoke: { ...args.invoke, [name]: innerOut } }) as WorkflowStepHandlerArguments

  const combine = (innerOut: any, own: TCompensate | undefined) => {
    const stored = innerOut?.output
    const value = stored?.__type === STEP_RESPONSE ? stored.output : stored
    return {
      __type: WORKFLOW_DATA,
      output: { __type: STEP_RESPONSE, output: value, compensateInput: { [STORE]: { own: own ?? null, inner: innerOut ?? null } } },
    }
  }

  const invoke: WorkflowStepHandler = async (args) => {
    if (link.position === "before") {
      const own = await runOwn(args)
      let innerOut: any
      try {
        innerOut = await inner.invoke(args)
      } catch (e) {
        await undoOwn(own, args)
        throw e
      }
      if (SkipStepResponse.isSkipStepResponse(innerOut?.output ?? innerOut)) {
        await undoOwn(own, args)
        return innerOut
      }
      return combine(innerOut, own)
    }
    const innerOut: any = await inner.invoke(args)
    if (SkipStepResponse.isSkipStepResponse(innerOut?.output ?? innerOut)) {
      return innerOut
    }
    let own: TCompensate | undefined
    try {
      own = await runOwn(args)
    } catch (e) {
      await inner.compensate?.(withInnerOutput(args, innerOut))
      throw e
    }
    return combine(innerOut, own)
  }

  const compensate: WorkflowStepHandler = async (args) => {
    const stored = (args.invoke?.[name] as any)?.output
    const kept = stored?.__type === STEP_RESPONSE ? stored.compensateInput?.[STORE] : undefined
    if (!kept) {
      // The step itself failed: whatever the plugin's part did was undone in invoke.
      return await inner.compensate?.(args)
    }
    const innerArgs = withInnerOutput(args, kept.inner ?? undefined)
    if (link.position === "before") {
      const out = await inner.compensate?.(innerArgs)
      await undoOwn(kept.own ?? undefined, args)
      return out
    }
    await undoOwn(kept.own ?? undefined, args)
    return await inner.compensate?.(innerArgs)
  }

  return { invoke, compensate, [CHAINED]: true }
}
