import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { ulid } from "ulid"
import { AUDIT_MODULE, AuditActorType, AuditModuleService } from "../../modules/audit"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../../modules/flow-runs"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../modules/risk-review"
import { orderFlowWorkflowId } from "../order-flow/order-flow"
import { heldErrorOf, holdsRun } from "./hold-on-failure"
import { runFlow } from "./run-flow"

/**
 * The run as the retry left it: ended, still going (waiting, or past a wait), or held
 * again at a step that failed once more. `transaction_id` is the new run's, or the held
 * run's own when the retry continued it.
 */
export type RetryOutcome = {
  transaction_id: string
  state: "succeeded" | "failed" | "running" | "held"
  error: string | null
  continued: boolean
}

/**
 * Retries an inbox item: a new run with the failed run's input, linked to it (`retry_of`,
 * `retried_as`), started by `actor`. Claimed once: a second retry, or a retry of a run that
 * is not an open inbox item, is a conflict. Safe however often effects already happened:
 * every stock and order effect is keyed (the inventory-dedup ledger, the keyed
 * cancellation), and the order flow continues from its stored stage.
 *
 * An order flow is retried by reopening the flow where it failed (`failed` → the stage it
 * failed in) and continuing it in a new run. A `held` run (its flow does not compensate)
 * is not replaced: the engine runs the same transaction again, which retries the failed
 * step and continues from it; the steps done before it are not run again.
 */
export async function retryFlowRun(
  container: MedusaContainer,
  id: string,
  actor: { actor_type: string; actor_id: string | null }
): Promise<{ run: any; retry: RetryOutcome }> {
  const runs: FlowRunsModuleService = container.resolve(FLOW_RUNS_MODULE)
  const run = await runs.claimRetry(id)
  const continued = run.state === "held"
  const transaction_id = continued ? run.transaction_id : `retry-${ulid()}`
  const origin = { trigger: "retry", trigger_name: `retry of ${run.id}`, retry_of: run.id, ...actor }
  let input = run.input
  try {
    if (run.workflow_id === orderFlowWorkflowId) {
      const order_id = (run.input as { order_id?: string })?.order_id ?? run.subject_id
      const flows: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
      const reopened = await flows.reopenFailedFlow(order_id)
      input = reopened ? { order_id, takeover: { from_run_id: null } } : { order_id }
    }
    if (!continued) {
      await runs.linkRetry({ id: run.id, retried_as: transaction_id })
    }
    await (container.resolve(AUDIT_MODULE) as AuditModuleService).record([
      {
        actor_type: (["user", "customer"].includes(actor.actor_type) ? actor.actor_type : "system") as AuditActorType,
        actor_id: actor.actor_id,
        action: "flow_run.retried",
        target_type: "flow_run",
        target_id: run.id,
        details: {
          workflow_id: run.workflow_id,
          subject_id: run.subject_id ?? null,
          ...(continued ? { continued_step: run.failed_step } : { retried_as: transaction_id }),
        },
      },
    ])
  } catch (e) {
    await runs.reopenInbox(run.id)
    throw e
  }
  let outcome: RetryOutcome
  try {
    const { transaction } = await runFlow(container, run.workflow_id, input, continued ? {} : origin, { transactionId: transaction_id })
    const heldAt = heldStepOf(transaction)
    outcome = heldAt
      ? { transaction_id, state: "held", error: heldErrorOf(run.workflow_id, transaction_id, heldAt) ?? `failed again at ${heldAt}`, continued }
      : { transaction_id, state: transaction?.hasFinished?.() === false ? "running" : "succeeded", error: null, continued }
  } catch (e) {
    // The new run failed on its own: it is recorded, and waits in the inbox, as a run of its own.
    container.resolve(ContainerRegistrationKeys.LOGGER).warn(`[omniflow] retry of ${run.id} failed: ${(e as Error).message}`)
    outcome = { transaction_id, state: "failed", error: (e as Error).message, continued }
  }
  const [after] = await runs.listFlowRuns({ id: run.id })
  return { run: after, retry: outcome }
}

/** The step a run is held at after the engine returned (a step failed, to be retried), if any. */
function heldStepOf(transaction: any): string | null {
  const steps = Object.values(transaction?.getFlow?.()?.steps ?? {}) as any[]
  return steps.find((s) => holdsRun(s))?.definition?.action ?? null
}

