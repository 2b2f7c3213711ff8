import { FlowPolicyInput, OmniflowOptions, RECORDED_FLOW_IDS, RecordedFlowId } from "../../options"

export type FlowPolicy = {
  /** A run still running (not waiting) this long after its last event has timed out. */
  timeoutMinutes: number
  /** Automatic new runs of a failed run before it is left to the admin. */
  retries: number
  /** Wait before the first automatic retry; doubled for each further one. */
  retryBackoffSeconds: number
  /** Failed, compensated and timed-out runs wait in the inbox. */
  inbox: boolean
  /**
   * A failing step undoes the steps done before it (the engine's compensation). When
   * false the run is held at the failing step instead, nothing undone, and a retry
   * continues the same run from that step (see hold-on-failure.ts).
   */
  compensate: boolean
}

/**
 * Each recorded flow's policy when the options name none. A failed checkout is the buyer's
 * answer (out of stock, payment declined), not an operator's task; background flows
 * whose failure nobody else would see go to the inbox.
 */
export const DEFAULT_FLOW_POLICIES: Record<RecordedFlowId, FlowPolicy> = {
  "omniflow-order-flow": { timeoutMinutes: 30, retries: 0, retryBackoffSeconds: 60, inbox: true, compensate: true },
  "complete-cart": { timeoutMinutes: 2, retries: 0, retryBackoffSeconds: 60, inbox: false, compensate: true },
  "omniflow-complete-checkout": { timeoutMinutes: 5, retries: 0, retryBackoffSeconds: 60, inbox: true, compensate: true },
  "decide-risk-review": { timeoutMinutes: 5, retries: 0, retryBackoffSeconds: 60, inbox: false, compensate: true },
  "retry-customer-notification": { timeoutMinutes: 5, retries: 0, retryBackoffSeconds: 60, inbox: false, compensate: true },
  "recover-checkout": { timeoutMinutes: 10, retries: 3, retryBackoffSeconds: 60, inbox: true, compensate: true },
  "reconcile-stock-claims": { timeoutMinutes: 30, retries: 0, retryBackoffSeconds: 60, inbox: true, compensate: true },
  "record-order-copurchases": { timeoutMinutes: 5, retries: 3, retryBackoffSeconds: 30, inbox: true, compensate: true },
  "remove-order-copurchases": { timeoutMinutes: 5, retries: 3, retryBackoffSeconds: 30, inbox: true, compensate: true },
  "rebuild-recommendations": { timeoutMinutes: 60, retries: 1, retryBackoffSeconds: 300, inbox: true, compensate: true },
  "omniflow-onboard-customer": { timeoutMinutes: 5, retries: 0, retryBackoffSeconds: 60, inbox: true, compensate: true },
  "omniflow-record-customer-groups": { timeoutMinutes: 5, retries: 2, retryBackoffSeconds: 30, inbox: true, compensate: true },
  "omniflow-record-user-roles": { timeoutMinutes: 5, retries: 2, retryBackoffSeconds: 30, inbox: true, compensate: true },
  "omniflow-export-customer-data": { timeoutMinutes: 15, retries: 1, retryBackoffSeconds: 60, inbox: true, compensate: true },
  "omniflow-erase-customer": { timeoutMinutes: 30, retries: 0, retryBackoffSeconds: 60, inbox: true, compensate: true },
}

/** The policy of `workflowId`: the defaults, overridden by `options.flows[workflowId]`. */
export function flowPolicy(options: OmniflowOptions, workflowId: string): FlowPolicy {
  const base = DEFAULT_FLOW_POLICIES[workflowId as RecordedFlowId] ?? DEFAULT_FLOW_POLICIES["omniflow-order-flow"]
  const own: FlowPolicyInput | undefined = options.flows[workflowId as RecordedFlowId]
  return { ...base, ...Object.fromEntries(Object.entries(own ?? {}).filter(([, v]) => v !== undefined)) }
}

/** The workflows whose runs are recorded: OmniFlow's, and core's checkout while the guard is on. */
export function recordedWorkflowIds(options: OmniflowOptions): RecordedFlowId[] {
  return RECORDED_FLOW_IDS.filter(
    (id) => !["complete-cart", "omniflow-complete-checkout"].includes(id) || options.inventoryDedup.checkoutGuard
  )
}
