/**
 * A first-come, first-served gate with a bounded wait: at most `limit` holders at once,
 * the rest queue; a waiter that is not let in within `timeoutMs` gets null.
 *
 * It measures how long a holder stays (a moving average of the last completions), so it
 * can tell a newcomer at once how long it would wait: a request that would wait longer
 * than it may is turned away on arrival with an honest estimate, instead of after the
 * whole timeout.
 */
export class AdmissionGate {
  private active = 0
  private readonly waiting: Array<() => void> = []
  private serviceMs: number | null = null

  constructor(private readonly limit: number) {}

  get queued() {
    return this.waiting.length
  }

  /** The average time a holder stayed, once one has left; null before. */
  get averageServiceMs() {
    return this.serviceMs
  }

  /**
   * How long a request arriving now would wait for its turn: 0 while a place is free,
   * null while no holder has left yet (nothing to estimate from). Each full round of
   * `limit` holders ahead of it takes one average stay.
   */
  expectedWaitMs(): number | null {
    if (this.active < this.limit) {
      return 0
    }
    if (this.serviceMs === null) {
      return null
    }
    return Math.ceil((this.waiting.length + 1) / this.limit) * this.serviceMs
  }

  async enter(timeoutMs: number): Promise<(() => void) | null> {
    if (this.active < this.limit) {
      this.active++
      return this.leaveOnce()
    }
    return await new Promise((resolve) => {
      const admit = () => {
        if (timer) clearTimeout(timer)
        this.active++
        resolve(this.leaveOnce())
      }
      // No timer for a waiter that waits as long as it takes (a background completion).
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            const i = this.waiting.indexOf(admit)
            if (i >= 0) this.waiting.splice(i, 1)
            resolve(null)
          }, timeoutMs)
        : null
      this.waiting.push(admit)
    })
  }

  private leaveOnce() {
    let left = false
    const since = Date.now()
    return () => {
      if (left) return
      left = true
      const stayed = Date.now() - since
      this.serviceMs = this.serviceMs === null ? stayed : Math.round(0.8 * this.serviceMs + 0.2 * stayed)
      this.active--
      this.waiting.shift()?.()
    }
  }
}
