import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"

// The Redis workflow engine may not have stored the wait yet when the first attempt
// comes: attempts back off from 20 ms to 2 s, about 15 s in all.
const ATTEMPTS = 12
const delayMs = (n: number) => (n === 0 ? 0 : Math.min(2000, 20 * 2 ** (n - 1)))

/**
 * What a waiting step does when there is nothing to wait for (the review is decided, the
 * payment is there, the section does not apply): it waits as always and is resumed at
 * once, right after the engine has recorded the wait. Waiting steps cannot sit inside
 * `when` (the engine runs a conditional long-running step in the background and does not
 * wait), and a skip returned by a long-running step is not resumed by the in-memory
 * engine, so this is how a run passes a wait it does not need. Should the process die in
 * between, the run holds the flow without waiting and the sweeper continues it.
 */
export function passWait(container: MedusaContainer, idempotencyKey: string): void {
  const engine = container.resolve(Modules.WORKFLOW_ENGINE)
  const attempt = (n: number) =>
    setTimeout(() => {
      Promise.resolve(
        // No container passed: the engine resumes with the app's own (a step's container is
        // not one the Redis engine can build on).
        engine.setStepSuccess({ idempotencyKey, stepResponse: new StepResponse({ waited: false }) })
      ).catch((e: Error) => {
        if (n < ATTEMPTS) {
          attempt(n + 1)
        } else {
          container
            .resolve(ContainerRegistrationKeys.LOGGER)
            .warn(`[omniflow] could not pass ${idempotencyKey}: ${e?.message}; the sweeper will continue the run`)
        }
      })
    }, delayMs(n))
  attempt(0)
}
