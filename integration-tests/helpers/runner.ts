import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner as coreRunner } from "@medusajs/test-utils"
import { orderFlowWorkflowId } from "../../src/workflows/order-flow"

type RunnerOptions = Parameters<typeof coreRunner>[0]

/**
 * Medusa's integration test runner, for an app whose order flows are long-running
 * workflows. After every test the core runner waits until no workflow execution is in
 * progress; an order flow that waits for a review, a payment or its shipping window waits
 * for days by design. So before that, this waits until every order-flow run has either
 * finished or parked in one of its waits, and marks the parked ones finished (with those
 * no flow row holds any more): they belong to the test that just ended. Runs still working
 * are waited for as before.
 */
export function medusaIntegrationTestRunner(options: RunnerOptions) {
  return coreRunner({
    ...options,
    testSuite: (suite) => {
      describe("", () => {
        afterEach(async () => {
          await retireParkedOrderFlows(suite.getContainer())
          await failOnStuckExecutions(suite.getContainer())
        })
        options.testSuite(suite)
      })
    },
  })
}

async function retireParkedOrderFlows(container: MedusaContainer, timeoutMs = 60_000) {
  const pg = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  const until = Date.now() + timeoutMs
  for (;;) {
    const { rows } = await pg.raw(
      `SELECT e.transaction_id,
              EXISTS (SELECT 1 FROM jsonb_each(e.execution->'steps') s
                       WHERE s.value->'invoke'->>'status' = 'waiting_response') AS waiting,
              EXISTS (SELECT 1 FROM order_flow f WHERE f.run_id = e.transaction_id AND f.deleted_at IS NULL)
                OR e.created_at > now() - interval '5 seconds' AS holds_flow
         FROM workflow_execution e
        WHERE e.workflow_id = ? AND e.state NOT IN ('not_started', 'done', 'reverted', 'failed') AND e.deleted_at IS NULL`,
      [orderFlowWorkflowId]
    )
    // Parked in a wait (the engine's own record says so, whatever state the run records
    // beside it), or holding no flow any more
    // (taken over by a newer run, or the test restored the database under it): neither
    // will move again. A run started moments ago may not have written its flow row yet:
    // marked done then, its next checkpoint would put it back in progress after this
    // wait has ended, and the core runner's wait would never end.
    const parked = rows.filter((r: any) => r.waiting || !r.holds_flow).map((r: any) => r.transaction_id)
    if (parked.length) {
      await pg.raw(`UPDATE workflow_execution SET state = 'done' WHERE workflow_id = ? AND transaction_id = ANY(?)`, [
        orderFlowWorkflowId,
        parked,
      ])
    }
    // Done when nothing is in progress any more. A run passing a wait it did not need is
    // briefly recorded as waiting and then goes on; the next look catches it.
    if (!rows.length || Date.now() > until) {
      return
    }
    await new Promise((r) => setTimeout(r, 150))
  }
}

/**
 * The core runner then waits for every stored execution to finish, with no end: its own
 * timeout throws inside a timer and the wait goes on. A run stuck in a step would hang the
 * suite until jest gives up, naming nothing. So this waits a bounded time, and fails the
 * test that left a stuck run with the run and its unfinished steps named — and marks those
 * runs failed, so the tests after it are not held up too.
 */
async function failOnStuckExecutions(container: MedusaContainer, timeoutMs = 90_000) {
  const pg = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  const until = Date.now() + timeoutMs
  let quietLooks = 0
  for (;;) {
    // An order flow that reached one of its waits only now is parked, not stuck.
    await retireParkedOrderFlows(container, 0)
    const { rows } = await pg.raw(
      `SELECT e.workflow_id, e.transaction_id,
              (SELECT jsonb_object_agg(s.key, s.value->'invoke'->>'status')
                 FROM jsonb_each(e.execution->'steps') s
                WHERE s.value->'invoke'->>'status' NOT IN ('done', 'idle', 'skipped')) AS open_steps
         FROM workflow_execution e
        WHERE e.state NOT IN ('not_started', 'done', 'reverted', 'failed') AND e.deleted_at IS NULL`
    )
    // Two empty looks in a row: a run between two checkpoints is not missed.
    quietLooks = rows.length ? 0 : quietLooks + 1
    if (quietLooks >= 2) {
      return
    }
    if (rows.length && Date.now() > until) {
      await pg.raw(`UPDATE workflow_execution SET state = 'failed' WHERE transaction_id = ANY(?)`, [
        rows.map((r: any) => r.transaction_id),
      ])
      throw new Error(
        `Workflow runs still in progress ${timeoutMs / 1000} s after the test: ` +
          rows.map((r: any) => `${r.workflow_id} ${r.transaction_id} ${JSON.stringify(r.open_steps)}`).join("; ")
      )
    }
    await new Promise((r) => setTimeout(r, 200))
  }
}
