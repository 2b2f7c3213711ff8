import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { ulid } from "ulid"
import { AUDIT_MODULE, AuditActorType, AuditModuleService } from "../../modules/audit"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../../modules/flow-runs"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../modules/risk-review"
import { orderFlowWorkflowId } from "../order-flow/order-flow"
import { runFlow } from "./run-flow"

/** The new run as the retry left it: ended, or still going (waiting, or past a wait). */
export type RetryOutcome = { transaction_id: string; state: "succeeded" | "failed" | "running"; error: string | null }

/**
 * Retries an inbox item: a new run with the failed run's input, linked to it (`retry_of`,
 * `retried_as`), started by `actor`. Claimed once: a second retry, or a retry of a run that
 * is not an open inbox item, is a conflict. Safe however often effects already happened:
 * every stock and order effect is keyed (the inventory-dedup ledger, the keyed
 * cancellation), and the order flow continues from its stored stage.
 *
 * An order flow is retried by reopening the flow where it failed (`failed` → the stage it
 * failed in) and continuing it in a new run.
 */
export async function retryFlowRun(
  container: MedusaContainer,
  id: string,
  actor: { actor_type: string; actor_id: string | null }
): Promise<{ run: any; retry: RetryOutcome }> {
  const runs: FlowRunsModuleService = container.resolve(FLOW_RUNS_MODULE)
  const run = await runs.claimRetry(id)
  const transaction_id = `retry-${ulid()}`
  const origin = { trigger: "retry", trigger_name: `retry of ${run.id}`, retry_of: run.id, ...actor }
  let input = run.input
  try {
    if (run.workflow_id === orderFlowWorkflowId) {
      const order_id = (run.input as { order_id?: string })?.order_id ?? run.subject_id
      const flows: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
      const reopened = await flows.reopenFailedFlow(order_id)
      input = reopened ? { order_id, takeover: { from_run_id: null } } : { order_id }
    }
    await runs.linkRetry({ id: run.id, retried_as: transaction_id })
    await (container.resolve(AUDIT_MODULE) as AuditModuleService).record([
      {
        actor_type: (["user", "customer"].includes(actor.actor_type) ? actor.actor_type : "system") as AuditActorType,
        actor_id: actor.actor_id,
        action: "flow_run.retried",
        target_type: "flow_run",
        target_id: run.id,
        details: { workflow_id: run.workflow_id, subject_id: run.subject_id ?? null, retried_as: transaction_id },
      },
    ])
  } catch (e) {
    await runs.reopenInbox(run.id)
    throw e
  }
  let outcome: RetryOutcome
  try {
    const { transaction } = await runFlow(container, run.workflow_id, input, origin, { transactionId: transaction_id })
    outcome = { transaction_id, state: transaction?.hasFinished?.() === false ? "running" : "succeeded", error: null }
  } catch (e) {
    // The new run failed on its own: it is recorded, and waits in the inbox, as a run of its own.
    container.resolve(ContainerRegistrationKeys.LOGGER).warn(`[omniflow] retry of ${run.id} failed: ${(e as Error).message}`)
    outcome = { transaction_id, state: "failed", error: (e as Error).message }
  }
  const [after] = await runs.listFlowRuns({ id: run.id })
  return { run: after, retry: outcome }
}
