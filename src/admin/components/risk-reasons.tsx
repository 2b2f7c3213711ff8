import { Badge, Text } from "@medusajs/ui"
import { humanize } from "../lib/format"
import type { RiskReason } from "../lib/types"

/** Each rule that fired, with its points and why — the score is only their sum. */
export const RiskReasons = ({ reasons }: { reasons: RiskReason[] | null | undefined }) => {
  if (!reasons?.length) {
    return (
      <Text size="small" className="text-ui-fg-muted">
        No rule fired
      </Text>
    )
  }
  return (
    <ul className="flex flex-col gap-y-1">
      {reasons.map((r) => (
        <li key={r.rule} className="flex items-start gap-x-2">
          <Badge size="2xsmall" color="grey" className="shrink-0">
            {humanize(r.rule)} +{r.points}
          </Badge>
          <Text size="small" className="text-ui-fg-subtle">
            {r.detail}
          </Text>
        </li>
      ))}
    </ul>
  )
}
