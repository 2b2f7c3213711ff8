export type Admission = { leave: () => void } | "timeout" | "gave_up"

type Waiter = { admit: () => void }

/**
 * A first-come, first-served gate with a bounded wait: at most `limit` holders at once,
 * the rest queue. A waiter that is not let in within `timeoutMs` is refused; one whose
 * `giveUp` check turns true while it waits (its stock ran out meanwhile) leaves the queue
 * at once instead of waiting for a turn it cannot use.
 */
export class AdmissionGate {
  private active = 0
  private readonly waiting: Waiter[] = []

  constructor(private readonly limit: number) {}

  get queued() {
    return this.waiting.length
  }

  async enter(
    timeoutMs: number,
    giveUp?: () => Promise<boolean>,
    pollMs = 250
  ): Promise<Admission> {
    if (this.active < this.limit) {
      this.active++
      return { leave: this.leaveOnce() }
    }
    return await new Promise<Admission>((resolve) => {
      let done = false
      const finish = (outcome: Admission) => {
        if (done) return
        done = true
        clearTimeout(timer)
        clearTimeout(poll)
        const i = this.waiting.indexOf(waiter)
        if (i >= 0) this.waiting.splice(i, 1)
        resolve(outcome)
      }
      const waiter: Waiter = {
        admit: () => {
          this.active++
          finish({ leave: this.leaveOnce() })
        },
      }
      const timer = setTimeout(() => finish("timeout"), timeoutMs)
      let poll: NodeJS.Timeout | undefined
      const check = () => {
        // Jitter spreads the checks of a large queue over time.
        poll = setTimeout(async () => {
          if (done) return
          const stop = await giveUp!().catch(() => false)
          if (done) return
          stop ? finish("gave_up") : check()
        }, pollMs * (0.5 + Math.random()))
      }
      if (giveUp) check()
      this.waiting.push(waiter)
    })
  }

  private leaveOnce() {
    let left = false
    return () => {
      if (left) return
      left = true
      this.active--
      this.waiting.shift()?.admit()
    }
  }
}
