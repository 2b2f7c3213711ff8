import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { echoId } from "../../../../utils/validate-path"

/**
 * The admin timeline in words: a title and a one-line summary per event, and the person (or
 * key, or rule) behind a decision, resolved from the ids the flow records.
 */

/** Who did something: an admin user, a secret API key, or OmniFlow itself. */
export type Actor = {
  type: "user" | "api_key" | "system" | "unknown"
  id: string
  /** What to show: the user's name, else their email; the key's title; the rule's name. */
  name: string
  email?: string | null
}

export type FlowEvent = {
  id: string
  stage: string
  status: string
  detail?: Record<string, any> | null
  created_at: Date | string
}

export type ReadableEvent = FlowEvent & { title: string; summary: string; actor: Actor | null }

/** Names of what events refer to by id. */
export type Names = { actors: Map<string, Actor>; locations: Map<string, string> }

const SYSTEM_ACTORS: Record<string, string> = {
  "system:deadline": "Review deadline",
}

const humanize = (value: string) => value.replace(/[_:]/g, " ")
const capitalize = (value: string) => value.charAt(0).toUpperCase() + value.slice(1)
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/** "2026-11-21 14:05 UTC": one form for every reader, whatever their time zone. */
export function formatTime(value: unknown): string {
  const date = new Date(value as string)
  return Number.isNaN(date.getTime()) ? String(value) : `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`
}

export const actorLabel = (actor: Actor) =>
  actor.email && actor.name !== actor.email ? `${actor.name} (${actor.email})` : actor.name

/** The ids of whoever decided: on the review, and in the review events. */
export function actorIdsOf(review: { decided_by?: string | null } | null, events: FlowEvent[]): string[] {
  const ids = new Set<string>()
  if (review?.decided_by) ids.add(review.decided_by)
  for (const e of events) {
    if (typeof e.detail?.decided_by === "string") ids.add(e.detail.decided_by)
  }
  return [...ids]
}

/** The stock locations shipments went out from. */
export function locationIdsOf(events: FlowEvent[]): string[] {
  const ids = new Set<string>()
  for (const e of events) {
    for (const s of Array.isArray(e.detail?.shipments) ? e.detail!.shipments : []) {
      if (typeof s?.location_id === "string") ids.add(s.location_id)
    }
  }
  return [...ids]
}

/**
 * Looks the ids up: admin users (name, email), secret API keys (title), OmniFlow's own
 * actors; an id found nowhere (a deleted user) is shown as such.
 */
export async function resolveNames(
  scope: MedusaContainer,
  ids: { actors: string[]; locations: string[] }
): Promise<Names> {
  const query = scope.resolve(ContainerRegistrationKeys.QUERY)
  const userIds = ids.actors.filter((id) => !(id in SYSTEM_ACTORS) && !id.startsWith("apk_"))
  const keyIds = ids.actors.filter((id) => id.startsWith("apk_"))
  const [users, keys, locations] = await Promise.all([
    userIds.length
      ? query.graph({ entity: "user", fields: ["id", "email", "first_name", "last_name"], filters: { id: userIds } })
      : { data: [] },
    keyIds.length ? query.graph({ entity: "api_key", fields: ["id", "title"], filters: { id: keyIds } }) : { data: [] },
    ids.locations.length
      ? query.graph({ entity: "stock_location", fields: ["id", "name"], filters: { id: ids.locations } })
      : { data: [] },
  ])
  const actors = new Map<string, Actor>()
  for (const u of users.data as { id: string; email: string; first_name?: string | null; last_name?: string | null }[]) {
    const name = [u.first_name, u.last_name].filter(Boolean).join(" ")
    actors.set(u.id, { type: "user", id: u.id, name: name || u.email, email: u.email })
  }
  for (const k of keys.data as { id: string; title: string }[]) {
    actors.set(k.id, { type: "api_key", id: k.id, name: `API key "${k.title}"` })
  }
  for (const id of ids.actors) {
    if (id in SYSTEM_ACTORS) {
      actors.set(id, { type: "system", id, name: SYSTEM_ACTORS[id] })
    } else if (!actors.has(id)) {
      actors.set(id, { type: "unknown", id, name: `unknown admin ${echoId(id)}` })
    }
  }
  return {
    actors,
    locations: new Map((locations.data as { id: string; name: string }[]).map((l) => [l.id, l.name])),
  }
}

function riskSummary(detail: Record<string, any>): string {
  const reasons = Array.isArray(detail.reasons) ? detail.reasons : []
  const why = reasons.map((r: { detail?: string; rule?: string; points?: number }) => `${r.detail ?? humanize(String(r.rule))} (+${r.points})`)
  const head = `Score ${detail.score ?? "?"}${detail.level ? ` (${detail.level} risk)` : ""}`
  return why.length ? `${head}: ${why.join("; ")}` : `${head}: no rule fired`
}

function shipmentSummary(detail: Record<string, any>, locations: Map<string, string>): string {
  const shipments: { location_id?: string | null; items?: { quantity?: number }[] }[] = Array.isArray(detail.shipments)
    ? detail.shipments
    : []
  return shipments
    .map((s) => {
      const where = s.location_id ? locations.get(s.location_id) ?? s.location_id : "no stock location"
      const units = (s.items ?? []).reduce((n, i) => n + Number(i?.quantity ?? 0), 0)
      return `${where}: ${plural(units, "item")}`
    })
    .join("; ")
}

/** Whatever the event carries, as "key: value" pairs, for events without a wording of their own. */
function genericSummary(detail: Record<string, any> | null | undefined): string {
  if (!detail) return ""
  return Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${humanize(k)}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join("; ")
}

/** One event in words. */
export function describeEvent(event: FlowEvent, names: Names): ReadableEvent {
  const d = event.detail ?? {}
  const actor = typeof d.decided_by === "string" ? names.actors.get(d.decided_by) ?? null : null
  const say = (title: string, summary = "") => ({ ...event, title, summary, actor })

  switch (`${event.stage}:${event.status}`) {
    case "assessing:started":
      return say("Order received", "OmniFlow started this order's flow and is checking its risk.")
    case "risk_assessment:approve":
      return say("Risk check passed", riskSummary(d))
    case "risk_assessment:hold":
      return say(
        "Held for review",
        `${riskSummary(d)}${d.review_deadline_at ? `. Review due by ${formatTime(d.review_deadline_at)}` : ""}`
      )
    case "risk_assessment:reject":
      return say("Rejected by the risk rules", riskSummary(d))
    case "review:approved":
    case "review:rejected": {
      const verb = event.status === "approved" ? "Approved" : "Rejected"
      const by = d.source === "deadline" || actor?.type === "system" ? "at the review deadline" : actor ? `by ${actorLabel(actor)}` : "in review"
      const parts = [d.reason ? `Reason: ${d.reason}` : null, d.note ? `Note: ${d.note}` : null].filter(Boolean)
      return say(`${verb} ${by}`, parts.join(". "))
    }
    case "payment:capturing":
      return say("Capturing payment")
    case "payment:captured": {
      const n = Array.isArray(d.payment_ids) ? d.payment_ids.length : 0
      return say("Payment captured", n ? `${plural(n, "payment")} captured.` : "")
    }
    case "payment:awaiting":
      return say(
        "Awaiting payment",
        d.deadline_at ? `Canceled unless paid by ${formatTime(d.deadline_at)}.` : "No authorized payment yet."
      )
    case "shipment:started":
      return say("Preparing shipment")
    case "shipment:fulfilled": {
      const n = Number(d.locations ?? (Array.isArray(d.shipments) ? d.shipments.length : 1))
      return say(`Shipped from ${plural(n, "warehouse")}`, shipmentSummary(d, names.locations))
    }
    case "shipment:failed":
      return say("Shipment failed", d.reason ? String(d.reason) : "")
    case "cancel:canceling":
      return say("Canceling", d.reason ? `Reason: ${d.reason}` : "")
    case "cancel:canceled": {
      const parts = [
        d.reason ? `Reason: ${d.reason}` : null,
        d.customer_message ? `Customer told: "${d.customer_message}"` : null,
        d.notification_id ? "Customer notified" : null,
      ].filter(Boolean)
      return say("Canceled", parts.join(". "))
    }
    case "cancel:failed":
      return say("Cancellation failed", [d.reason, d.error].filter(Boolean).join(": "))
    case "recommendation:recorded":
      return say(
        "Added to recommendations",
        d.applied === false ? "Already counted." : `${plural(Number(d.products ?? 0), "product")} counted as bought together.`
      )
    case "recommendation:skipped":
      return say("Recommendations skipped", d.why ? String(d.why) : "")
    case "recommendation:failed":
      return say("Recommendations not updated", d.error ? String(d.error) : "")
  }
  if (event.status === "rolled_back" || event.status === "resumed") {
    const verb = event.status === "rolled_back" ? "Undone" : "Resumed"
    return say(`${verb}: ${humanize(event.stage)}`, d.back_to ? `Back to ${humanize(String(d.back_to))}.` : genericSummary(d))
  }
  return say(capitalize(`${humanize(event.stage)}: ${humanize(event.status)}`), genericSummary(d))
}
