/**
 * A first-come, first-served gate with a bounded wait: at most `limit` holders at once,
 * the rest queue; a waiter that is not let in within `timeoutMs` gets null.
 */
export class AdmissionGate {
  private active = 0
  private readonly waiting: Array<() => void> = []

  constructor(private readonly limit: number) {}

  get queued() {
    return this.waiting.length
  }

  async enter(timeoutMs: number): Promise<(() => void) | null> {
    if (this.active < this.limit) {
      this.active++
      return this.leaveOnce()
    }
    return await new Promise((resolve) => {
      const admit = () => {
        clearTimeout(timer)
        this.active++
        resolve(this.leaveOnce())
      }
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(admit)
        if (i >= 0) this.waiting.splice(i, 1)
        resolve(null)
      }, timeoutMs)
      this.waiting.push(admit)
    })
  }

  private leaveOnce() {
    let left = false
    return () => {
      if (left) return
      left = true
      this.active--
      this.waiting.shift()?.()
    }
  }
}
