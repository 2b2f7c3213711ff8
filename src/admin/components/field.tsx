import { Text } from "@medusajs/ui"
import { ReactNode } from "react"

/** A labelled row of a detail section (the order's OmniFlow section, the customer's Privacy section). */
export const Field = ({ label, children }: { label: string; children: ReactNode }) => (
  <div className="grid grid-cols-[140px_1fr] items-start gap-x-4 px-6 py-3">
    <Text size="small" weight="plus" className="text-ui-fg-subtle">
      {label}
    </Text>
    <div>{children}</div>
  </div>
)
