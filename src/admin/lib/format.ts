export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "—"
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })
}

/** "in 5 h", "12 min ago": how urgent a deadline is matters more than its exact time. */
export function formatRelative(value: string | null | undefined, now = Date.now()): string {
  if (!value) return ""
  const diff = new Date(value).getTime() - now
  if (Number.isNaN(diff)) return ""
  const minutes = Math.round(Math.abs(diff) / 60_000)
  const span = minutes < 60 ? `${minutes} min` : minutes < 48 * 60 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} d`
  return diff >= 0 ? `in ${span}` : `${span} ago`
}

export function formatMoney(amount: number | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined) return "—"
  if (!currency) return String(amount)
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: currency.toUpperCase() }).format(amount)
  } catch {
    return `${amount} ${currency.toUpperCase()}`
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/

function formatValue(key: string, value: unknown): string {
  // Risk reasons are listed in full above the timeline; here their rule and points suffice.
  if (key === "reasons" && Array.isArray(value)) {
    return value.map((r: { rule?: string; points?: number }) => `${humanize(String(r.rule))} +${r.points}`).join(", ")
  }
  if (typeof value === "string" && ISO_DATE.test(value)) return formatDateTime(value)
  return typeof value === "object" ? JSON.stringify(value) : String(value)
}

/** One line per event detail: scalar values as they are, the rest as compact JSON. */
export function formatDetail(detail: Record<string, unknown> | null | undefined): string {
  if (!detail) return ""
  return Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${humanize(k)}: ${formatValue(k, v)}`)
    .join(" · ")
}

export const humanize = (value: string) => value.replace(/_/g, " ")
