import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { FLOW_RUNS_MODULE, FlowRunsModuleService, FlowRunState, RunStep } from "../../modules/flow-runs"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../modules/omniflow"
import { applyFailurePolicies, forgetHeldErrors, heldErrorOf, holdsRun } from "./hold-on-failure"
import { flowPolicy, recordedWorkflowIds } from "./policies"
import { runOrigin, subjectOf } from "./run-origin"
import { observeRun } from "./prometheus"

type EngineEvent = {
  eventType: string
  workflowId: string
  transactionId: string
  step?: { definition?: { action?: string; autoRetry?: boolean }; attempts?: number; getStates?: () => { status?: string } }
  response?: unknown
  errors?: { action?: string; error?: { message?: string } | string }[]
  result?: unknown
  state?: string
}

type Buffer = { started: number; steps: Map<string, RunStep & { began?: number }>; timedOut: boolean }

const SUBSCRIBER_ID = "omniflow-run-recorder"
const installed = new WeakSet<object>()
const buffers = new Map<string, Buffer>()

const FINAL_STATE: Record<string, FlowRunState> = {
  done: "succeeded",
  reverted: "compensated",
  failed: "failed",
}

/** The `error` a step returned as its outcome, however deep the engine wrapped its output. */
function outcomeErrorOf(response: unknown): unknown {
  let value = response as { output?: unknown; error?: unknown } | undefined
  for (let depth = 0; value && typeof value === "object" && depth < 4; depth++) {
    if ("error" in value && value.error) return value.error
    value = value.output as typeof value
  }
  return null
}

const messageOf = (e: { error?: { message?: string } | string } | undefined) =>
  e ? (typeof e.error === "string" ? e.error : (e.error?.message ?? null)) : null

/**
 * Records every run of OmniFlow's workflows (and core's complete-cart while the checkout
 * guard is on) from the workflow engine's own events: `subscribe` per workflow id, once
 * per process. Events arrive after the engine has moved on (it notifies on the next turn
 * of the event loop), so a run is never slowed by its recording beyond the database
 * writes that follow it: one row when it begins, one when it waits, one when it ends,
 * with the steps collected in memory in between.
 *
 * A step that fails in a flow whose policy holds failures (`compensate: false`) leaves
 * the run `held` at that step, in the inbox, until a retry continues it.
 *
 * Entry points call this before they start a run (OmniFlow's routes, subscribers and
 * jobs, and the checkout route), so every process that runs workflows records them and
 * has the flows' failure policies applied.
 */
export function ensureRunRecorder(container: MedusaContainer) {
  const engine = container.resolve(Modules.WORKFLOW_ENGINE, { allowUnregistered: true }) as any
  if (!engine || installed.has(engine)) {
    return
  }
  installed.add(engine)
  const options = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
  applyFailurePolicies(options)
  if (!options.runs.record) {
    return
  }
  const runs: FlowRunsModuleService = container.resolve(FLOW_RUNS_MODULE)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const record = (what: Promise<unknown>) =>
    what.catch((e) => logger.warn(`[omniflow] recording a workflow run failed: ${(e as Error).message}`))

  const handle = (event: EngineEvent) => {
    const key = `${event.workflowId}:${event.transactionId}`
    const buffer = () => {
      let b = buffers.get(key)
      if (!b) {
        b = { started: Date.now(), steps: new Map(), timedOut: false }
        buffers.set(key, b)
      }
      return b
    }
    const stepsOf = (b: Buffer) => [...b.steps.values()].map(({ began: _, ...s }) => s)
    const stepName = event.step?.definition?.action ?? "unknown"
    switch (event.eventType) {
      case "onBegin":
      case "onResume": {
        buffer()
        const origin = runOrigin.getStore()
        const input = origin?.input
        return record(
          runs.recordStart({
            workflow_id: event.workflowId,
            transaction_id: event.transactionId,
            at: new Date(),
            origin: origin ? { ...origin, ...(origin.subject_id ? {} : subjectOf(input)) } : null,
          })
        )
      }
      case "onStepBegin":
        buffer().steps.set(stepName, { name: stepName, state: "invoking", attempts: event.step?.attempts ?? 1, duration_ms: null, error: null, began: Date.now() })
        return
      case "onStepSuccess":
      case "onStepFailure":
      case "onCompensateStepSuccess":
      case "onCompensateStepFailure": {
        const s = buffer().steps.get(stepName) ?? { name: stepName, state: "", attempts: 1, duration_ms: null, error: null }
        s.state = {
          onStepSuccess: "done",
          onStepFailure: "failed",
          onCompensateStepSuccess: "compensated",
          onCompensateStepFailure: "compensation_failed",
        }[event.eventType]!
        s.attempts = event.step?.attempts ?? s.attempts
        if (s.began && s.duration_ms == null) s.duration_ms = Date.now() - s.began
        if (event.errors?.length) s.error = messageOf(event.errors[0])
        // A step that returns its failure as an outcome (`{ error }`, as the order flow's
        // capture, shipment and cancellation do) failed, whatever the engine says.
        const outcomeError = outcomeErrorOf(event.response)
        if (event.eventType === "onStepSuccess" && typeof outcomeError === "string" && outcomeError) {
          s.state = "failed"
          s.error = outcomeError
        }
        buffer().steps.set(stepName, s)
        if (event.eventType !== "onStepFailure") {
          return
        }
        if (!holdsRun(event.step)) {
          return
        }
        s.state = "held"
        s.error = s.error ?? heldErrorOf(event.workflowId, event.transactionId, stepName) ?? "the step failed"
        return record(
          runs.recordState({
            workflow_id: event.workflowId,
            transaction_id: event.transactionId,
            state: "held",
            at: new Date(),
            steps: stepsOf(buffer()),
            error: s.error,
            failed_step: stepName,
            to_inbox: true,
          })
        )
      }
      case "onStepAwaiting":
        return record(
          runs.recordState({ workflow_id: event.workflowId, transaction_id: event.transactionId, state: "waiting", at: new Date(), steps: stepsOf(buffer()) })
        )
      case "onTimeout":
        buffer().timedOut = true
        return
      case "onFinish": {
        const b = buffer()
        buffers.delete(key)
        forgetHeldErrors(event.workflowId, event.transactionId)
        // A step begun without an outcome by the end of the run was skipped (a `when`
        // branch not taken: the engine reports no event for it).
        const stepList = stepsOf(b).map((s) => (s.state === "invoking" ? { ...s, state: "skipped" } : s))
        const failedOutcome = (event.result as any)?.failed as { reason?: string; step?: string } | undefined
        let state: FlowRunState = b.timedOut ? "timed_out" : (FINAL_STATE[event.state ?? "done"] ?? "failed")
        if (state === "succeeded" && failedOutcome) {
          state = "failed"
        }
        const firstError = event.errors?.[0]
        const error = messageOf(firstError) ?? failedOutcome?.reason ?? null
        const failed_step = firstError?.action ?? failedOutcome?.step ?? stepList.find((s) => s.state === "failed")?.name ?? null
        observeRun(event.workflowId, state, Date.now() - b.started, stepList)
        return record(
          runs.recordState({
            workflow_id: event.workflowId,
            transaction_id: event.transactionId,
            state,
            at: new Date(),
            steps: stepList,
            error,
            failed_step,
            to_inbox: flowPolicy(options, event.workflowId).inbox,
          })
        )
      }
    }
  }

  for (const workflowId of recordedWorkflowIds(options)) {
    engine.subscribe({ workflowId, subscriberId: SUBSCRIBER_ID, subscriber: handle })
  }
}
