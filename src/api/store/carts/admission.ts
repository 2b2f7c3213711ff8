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
  private arriving = 0
  private readonly onQuiet: Array<() => void> = []
  /** Until when the turns promised to requests told to come back later are taken. */
  private bookedUntil = 0

  constructor(private readonly limit: number) {}

  /**
   * A request starts deciding its claim; the function returned says it has decided.
   * Claims are short and decide who is answered `out_of_stock`; completions are long. So a
   * completion waits (see `quiet`) while claims are being decided, and a burst's losers
   * hear their answer before the winners' completions take the event loop and the
   * database's CPU.
   */
  arrive(): () => void {
    this.arriving++
    let done = false
    return () => {
      if (done) return
      done = true
      this.arriving--
      if (this.arriving === 0) this.onQuiet.splice(0).forEach((wake) => wake())
    }
  }

  /** Resolves once no request is deciding its claim, or after `maxMs` at most. */
  async quiet(maxMs: number): Promise<void> {
    if (this.arriving === 0) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(wake, maxMs)
      const onQuiet = this.onQuiet
      function wake() {
        clearTimeout(timer)
        const i = onQuiet.indexOf(wake)
        if (i >= 0) onQuiet.splice(i, 1)
        resolve()
      }
      onQuiet.push(wake)
    })
  }

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

  /**
   * When a request turned away now should come back: once the queue ahead of it, and every
   * request turned away before it, has had its turn. Each answer books that turn, so a
   * burst turned away together comes back one after another — each finds the queue short
   * and is served — instead of all at once to be turned away again.
   */
  retryAfterMs(now = Date.now()): number {
    const stay = this.serviceMs ?? 1000
    const start = Math.max(now + (this.expectedWaitMs() ?? stay), this.bookedUntil)
    this.bookedUntil = start + stay / this.limit
    return start - now
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
