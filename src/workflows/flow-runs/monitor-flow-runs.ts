import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { FLOW_RUNS_MODULE, FlowRunsModuleService } from "../../modules/flow-runs"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../modules/omniflow"
import { flowPolicy, recordedWorkflowIds } from "./policies"
import { retryFlowRun } from "./retry-flow-run"

const BATCH = 100

/**
 * What the monitor job does every minute, per recorded flow and its policy: a run still
 * `running` with no event for `timeoutMinutes` (its process died, or it hangs) is marked
 * `timed_out` and goes to the inbox; a failed run with automatic retries left is retried
 * once its back-off (`retryBackoffSeconds`, doubled per earlier retry) has passed (a held
 * run is continued in place; its earlier retries are its failed step's extra attempts). Runs
 * waiting in a long-running step are not timed out here: their deadlines are the flow's.
 *
 * @example
 * await monitorFlowRuns(container)
 */
export async function monitorFlowRuns(container: MedusaContainer, now: Date = new Date()) {
  const options = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
  const runs: FlowRunsModuleService = container.resolve(FLOW_RUNS_MODULE)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const summary = { timed_out: 0, retried: 0 }

  for (const workflow_id of recordedWorkflowIds(options)) {
    const policy = flowPolicy(options, workflow_id)
    const stale = await runs.listUnfinishedRuns({
      workflow_id,
      states: ["running"],
      before: new Date(now.getTime() - policy.timeoutMinutes * 60_000),
      limit: BATCH,
    })
    for (const run of stale) {
      await runs.recordState({
        workflow_id,
        transaction_id: run.transaction_id,
        state: "timed_out",
        at: now,
        error: `no progress for ${policy.timeoutMinutes} minute(s)`,
        to_inbox: policy.inbox,
      })
      summary.timed_out++
    }

    if (policy.retries <= 0) {
      continue
    }
    const failed = await runs.listFlowRuns({ workflow_id, inbox: "open" }, { take: BATCH, order: { ended_at: "ASC" } })
    for (const run of failed) {
      const attempts = run.state === "held" ? heldRetries(run) : await retryDepth(runs, run)
      const due = new Date(run.ended_at ?? run.updated_at).getTime() + policy.retryBackoffSeconds * 1000 * 2 ** attempts
      if (attempts >= policy.retries || due > now.getTime()) {
        continue
      }
      await retryFlowRun(container, run.id, { actor_type: "system", actor_id: "system:auto-retry" })
        .then(() => summary.retried++)
        .catch((e) => logger.warn(`[omniflow] automatic retry of ${run.id} failed: ${(e as Error).message}`))
    }
  }
  return summary
}

/** How many times a held run's failed step was retried already (its attempts after the first). */
function heldRetries(run: { failed_step: string | null; steps: unknown }) {
  const step = ((run.steps as { name: string; attempts?: number }[] | null) ?? []).find((s) => s.name === run.failed_step)
  return Math.max(0, (step?.attempts ?? 1) - 1)
}

/** How many retries came before this run (the length of its `retry_of` chain). */
async function retryDepth(runs: FlowRunsModuleService, run: { retry_of: string | null }) {
  let depth = 0
  let parent = run.retry_of
  while (parent && depth < 20) {
    depth++
    const [up] = await runs.listFlowRuns({ id: parent }, { select: ["id", "retry_of"] })
    parent = up?.retry_of ?? null
  }
  return depth
}
