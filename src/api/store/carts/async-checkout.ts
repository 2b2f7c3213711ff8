import { AdmissionGate } from "./admission"

/**
 * What the checkout queue and the `respond-async` status resource share: this process's
 * queue, where a checkout is polled, when to look again, and the checkout as the buyer
 * sees it.
 */

let gate: AdmissionGate | null = null

/** This process's checkout queue, made on first use with `limit` places. */
export function admissionGate(limit: number): AdmissionGate {
  gate ??= new AdmissionGate(limit)
  return gate
}

/** This process's checkout queue (null before its first checkout). */
export const sharedAdmissionGate = () => gate

/**
 * Whether the request asks to be answered before the work is done (RFC 7240
 * `Prefer: respond-async`, among other preferences). Anything else — other preferences,
 * a value given to `respond-async`, a malformed header — is ignored, as the RFC asks.
 */
export function prefersRespondAsync(header: string | string[] | undefined): boolean {
  const values = Array.isArray(header) ? header : header ? [header] : []
  return values
    .flatMap((v) => v.split(","))
    .some((preference) => preference.split(";")[0].trim().toLowerCase() === "respond-async")
}

export const checkoutLocation = (id: string) => `/store/omniflow/checkouts/${id}`

/** When a checkout accepted now is likely placed: its wait for a place, then one completion. */
export function retryAfterSeconds(admission: AdmissionGate | null) {
  const wait = admission?.expectedWaitMs() ?? 0
  const stay = admission?.averageServiceMs ?? 1000
  return Math.max(1, Math.ceil((wait + stay) / 1000))
}

/** The checkout as the buyer sees it. */
export function presentCheckout(c: any) {
  return {
    id: c.id,
    cart_id: c.cart_id,
    state: c.state,
    claim_id: c.claim_id ?? null,
    order_id: c.order_id ?? null,
    error: c.state === "failed" ? { message: c.error, type: c.error_type ?? null } : null,
    created_at: c.created_at,
    settled_at: c.settled_at ?? null,
  }
}
