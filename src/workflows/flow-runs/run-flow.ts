import { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import type { RunOrigin } from "../../modules/flow-runs"
import { ensureRunRecorder } from "./recorder"
import { runOrigin, subjectOf } from "./run-origin"

type Named = { getName(): string }

/**
 * Runs a workflow through Medusa's workflow engine (so its run is recorded from the
 * engine's events) with where it came from: the entry point's origin (`withRunOrigin` in
 * the route, subscriber or job), overridden by `origin`; the subject is read from the
 * input. Throws the run's first error, as `workflow(container).run()` does.
 *
 * @example
 * await runFlow(container, recordOrderCopurchasesWorkflow, { order_id })
 */
export async function runFlow<TResult = any>(
  container: MedusaContainer,
  workflow: Named | string,
  input: unknown,
  origin: Partial<RunOrigin> = {},
  opts: { transactionId?: string } = {}
): Promise<{ result: TResult; transaction: any }> {
  ensureRunRecorder(container)
  const engine = container.resolve(Modules.WORKFLOW_ENGINE)
  const workflowId = typeof workflow === "string" ? workflow : workflow.getName()
  const inherited = runOrigin.getStore()
  const full: RunOrigin = {
    trigger: "system",
    ...inherited,
    ...origin,
    ...(origin.subject_id ? {} : (subjectOf(input) ?? { subject_type: null, subject_id: null })),
    input,
  }
  const { result, transaction } = await runOrigin.run(full, () =>
    engine.run(workflowId, { input: input as any, transactionId: opts.transactionId, throwOnError: true })
  )
  return { result: result as TResult, transaction }
}
