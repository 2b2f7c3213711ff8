import { AsyncLocalStorage } from "async_hooks"
import type { RunOrigin } from "../../modules/flow-runs"

/**
 * Where the runs started inside a piece of work come from: the route (and its admin or
 * customer), the event or the job. The workflow engine notifies its subscribers in the
 * same async context as the run, so the recorder reads it from there; nothing has to be
 * threaded through workflow inputs.
 */
export const runOrigin = new AsyncLocalStorage<RunOrigin>()

/** Runs `fn` with `origin` as the origin of every workflow run it starts. */
export function withRunOrigin<T>(origin: RunOrigin, fn: () => T): T {
  return runOrigin.run(origin, fn)
}

const SUBJECT_KEYS: [string, string][] = [
  ["order_id", "order"],
  ["cart_id", "cart"],
  ["customer_id", "customer"],
  ["review_id", "review"],
  ["product_id", "product"],
]

/** What a run is about, read from its input (`order_id`, `cart_id`, …). */
export function subjectOf(input: unknown): { subject_type: string; subject_id: string } | null {
  if (!input || typeof input !== "object") {
    return null
  }
  for (const [key, type] of SUBJECT_KEYS) {
    const value = (input as Record<string, unknown>)[key]
    if (typeof value === "string" && value) {
      return { subject_type: type, subject_id: value }
    }
  }
  return null
}
