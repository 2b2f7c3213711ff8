import { Text } from "@medusajs/ui"
import type { ReactNode } from "react"

/**
 * A titled vertical timeline: one dot per entry on a line, oldest first, or a muted line
 * when there is nothing yet. Each entry's content is the caller's.
 */
export function Timeline<T>({
  title,
  empty,
  items,
  itemKey,
  itemTestId,
  className,
  titleClassName = "mb-3",
  children,
}: {
  title: string
  empty: string
  items: T[]
  itemKey: (item: T) => string
  itemTestId?: (item: T) => string
  className?: string
  titleClassName?: string
  children: (item: T) => ReactNode
}) {
  return (
    <section className={className}>
      <Text size="small" weight="plus" className={titleClassName}>
        {title}
      </Text>
      {items.length === 0 ? (
        <Text size="small" className="text-ui-fg-muted">
          {empty}
        </Text>
      ) : (
        <ol className="border-ui-border-base flex flex-col gap-y-3 border-l pl-4">
          {items.map((item) => (
            <li key={itemKey(item)} className="relative" data-testid={itemTestId?.(item)}>
              <span className="bg-ui-fg-muted absolute -left-[21px] top-1.5 size-2 rounded-full" />
              {children(item)}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
