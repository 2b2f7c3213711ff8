import { StatusBadge } from "@medusajs/ui"
import { humanize } from "../lib/format"

type Color = "green" | "red" | "blue" | "orange" | "grey" | "purple"

const REVIEW_COLORS: Record<string, Color> = { pending: "orange", approved: "green", rejected: "red" }
const LEVEL_COLORS: Record<string, Color> = { low: "green", medium: "orange", high: "red" }
const STAGE_COLORS: Record<string, Color> = {
  assessing: "grey",
  under_review: "orange",
  approved: "blue",
  awaiting_payment: "orange",
  capturing: "blue",
  paid: "blue",
  shipping: "purple",
  fulfilled: "green",
  rejected: "red",
  canceling: "red",
  canceled: "red",
  failed: "red",
}
const CLAIM_COLORS: Record<string, Color> = { held: "orange", converted: "green", released: "grey" }

const badge = (colors: Record<string, Color>) =>
  function Badge({ value }: { value: string | null | undefined }) {
    if (!value) return <span className="text-ui-fg-muted">—</span>
    return <StatusBadge color={colors[value] ?? "grey"}>{humanize(value)}</StatusBadge>
  }

export const ReviewStatusBadge = badge(REVIEW_COLORS)
export const RiskLevelBadge = badge(LEVEL_COLORS)
export const StageBadge = badge(STAGE_COLORS)
export const ClaimStatusBadge = badge(CLAIM_COLORS)
