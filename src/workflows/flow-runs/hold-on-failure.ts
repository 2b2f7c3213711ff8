import { WorkflowManager } from "@medusajs/framework/orchestration"
import { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { OmniflowOptions } from "../../options"
import { flowPolicy, recordedWorkflowIds } from "./policies"

/**
 * Failed attempts a held step may have before the engine gives up on it. Each one is a
 * retry someone (an admin, or the monitor within the flow's `retries`) asked for, so the
 * bound only guards against an endless loop.
 */
const HELD_STEP_MAX_ATTEMPTS = 1000

type StepDefinition = {
  action?: string
  async?: boolean
  autoRetry?: boolean
  maxRetries?: number
  next?: StepDefinition | StepDefinition[]
}

const held = new WeakSet<object>()
const lastErrors = new Map<string, string>()

const errorKey = (workflowId: string, transactionId: string, action: string) => `${workflowId}:${transactionId}:${action}`

/**
 * Applies each flow's `compensate: false` policy to its registered definition, once per
 * process, before the first run: every step that does not wait on purpose (async) and does
 * not declare retries of its own becomes a step the engine does not retry by itself
 * (`autoRetry: false`). A failure then leaves the step in temporary failure and the run
 * live at that step, with nothing undone, instead of compensating; running the same
 * transaction again (the engine's own resume of a failed step) continues from it. The
 * engine can only find a run again if it is stored, so these flows are (`store: true`: a
 * checkpoint in memory after each step, and in the database from the run's start until it
 * ends). The in-memory engine reads a stored run's steps from memory but its data (the
 * steps' outputs) from the database, where only the start is kept; so when a step fails,
 * its handler stores the run's data as it stands through the engine's own execution
 * records, and the retry finds every earlier step's output. (Storing each step instead,
 * `store` on the steps, writes every checkpoint to the database and left runs stalled
 * under load.)
 *
 * Medusa fixes a step's retry settings when the workflow is composed, before the plugin's
 * options exist, so they are set here on the definition the engine clones for each run
 * (`WorkflowManager.update`, as core's hooks extend a workflow). Runs already stored keep
 * the definition they began with.
 */
export function applyFailurePolicies(options: OmniflowOptions) {
  for (const workflowId of recordedWorkflowIds(options)) {
    if (flowPolicy(options, workflowId).compensate) {
      continue
    }
    const workflow = WorkflowManager.getWorkflow(workflowId) as any
    if (!workflow || held.has(workflow.flow_)) {
      continue
    }
    const handlers = new Map<string, any>()
    visit(workflow.flow_, (step) => {
      if (!step.action || step.async || step.autoRetry !== undefined || step.maxRetries !== undefined) {
        return
      }
      step.autoRetry = false
      step.maxRetries = HELD_STEP_MAX_ATTEMPTS
      const handler = workflow.handlers_.get(step.action)
      if (handler?.invoke) {
        handlers.set(step.action, { ...handler, invoke: rememberingErrors(workflowId, step.action, handler.invoke) })
      }
    })
    const stored = { ...workflow.options, store: true }
    WorkflowManager.update(workflowId, workflow.flow_, handlers, stored, workflow.requiredModules, workflow.optionalModules)
    held.add(WorkflowManager.getWorkflow(workflowId)!.flow_ as object)
  }
}

/**
 * Whether a failed step holds its run: it is not retried by the engine on its own and has
 * attempts left, so the run waits at it for a retry.
 */
export function holdsRun(step: { definition?: StepDefinition; getStates?: () => { status?: string } } | undefined) {
  return step?.definition?.autoRetry === false && step.getStates?.().status === "temp_failure"
}

/**
 * The error of a held step's last attempt. The engine keeps the errors of permanent
 * failures only, so the step's handler remembers its own, until the run ends.
 */
export function heldErrorOf(workflowId: string, transactionId: string, action: string): string | null {
  return lastErrors.get(errorKey(workflowId, transactionId, action)) ?? null
}

/** Forgets the remembered errors of a run that ended. */
export function forgetHeldErrors(workflowId: string, transactionId: string) {
  const prefix = errorKey(workflowId, transactionId, "")
  for (const key of lastErrors.keys()) {
    if (key.startsWith(prefix)) lastErrors.delete(key)
  }
}

/** The step's handler, remembering the error of a failed attempt and storing the run's data for its retry. */
function rememberingErrors(workflowId: string, action: string, invoke: (args: any) => Promise<unknown>) {
  return async (args: any) => {
    try {
      return await invoke(args)
    } catch (e) {
      const transaction = args?.transaction
      if (transaction?.transactionId) {
        lastErrors.set(errorKey(workflowId, transaction.transactionId, action), (e as Error)?.message ?? String(e))
        // Without it the retry would lack the earlier steps' outputs; the run still holds.
        await storeRunData(args.container, workflowId, transaction).catch(() => undefined)
      }
      throw e
    }
  }
}

/** The run's data (steps' outputs) into the engine's stored execution, which the retry reads. */
async function storeRunData(container: MedusaContainer, workflowId: string, transaction: any) {
  const engine = container.resolve(Modules.WORKFLOW_ENGINE) as any
  await engine.updateWorkflowExecutions({
    selector: { workflow_id: workflowId, transaction_id: transaction.transactionId },
    data: { context: { data: transaction.getContext(), errors: transaction.getErrors?.() ?? [] } },
  })
}

function visit(step: StepDefinition | StepDefinition[] | undefined, fn: (step: StepDefinition) => void) {
  if (!step) return
  for (const s of Array.isArray(step) ? step : [step]) {
    fn(s)
    visit(s.next, fn)
  }
}
