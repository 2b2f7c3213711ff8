/**
 * Polls `probe` until `done` accepts its value, or fails after `timeoutMs` with the last
 * value seen — asynchronous flows are awaited by what they leave behind, not by sleeping.
 */
export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 30000, intervalMs = 150, what = "condition" }: { timeoutMs?: number; intervalMs?: number; what?: string } = {}
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  let lastError: unknown
  for (;;) {
    try {
      last = await probe()
      if (done(last)) {
        return last
      }
    } catch (e) {
      lastError = e
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}` +
          (lastError ? `; last error: ${(lastError as Error).message}` : "")
      )
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}
