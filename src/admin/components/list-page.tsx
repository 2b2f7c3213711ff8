import { Alert, Container, Heading, Text } from "@medusajs/ui"
import { ReactNode, useState } from "react"
import { errorMessage } from "../lib/api"
import { PAGE_SIZE } from "../lib/queries"
import { Pagination } from "./pagination"
import { StatusFilter } from "./status-filter"

export type StatusPaging<S extends string> = {
  status: S | "all"
  offset: number
  setOffset: (offset: number) => void
  setStatus: (status: S | "all") => void
  statusFilter: S | undefined
}

/** A status filter and a page offset that goes back to the first page when the filter changes. */
export function useStatusPaging<S extends string>(initial: S | "all"): StatusPaging<S> {
  const [status, setStatus] = useState<S | "all">(initial)
  const [offset, setOffset] = useState(0)
  return {
    status,
    offset,
    setOffset,
    setStatus: (next: S | "all") => {
      setStatus(next)
      setOffset(0)
    },
    /** The API's filter: "all" means none. */
    statusFilter: status === "all" ? undefined : status,
  }
}

type ListQuery = { isLoading: boolean; isError: boolean; error: unknown; isFetching: boolean }

/**
 * The frame every OmniFlow admin list shares: heading with a status filter, then the
 * error, loading or empty state, or the table with pagination.
 */
export function ListPage<S extends string>({
  title,
  subtitle,
  statuses,
  paging,
  query,
  count,
  empty,
  emptyText,
  banner,
  children,
  after,
}: {
  title: string
  subtitle: string
  statuses: readonly S[]
  paging: StatusPaging<S>
  query: ListQuery
  count: number
  empty: boolean
  emptyText: string
  /** Shown under the heading, e.g. the outcome of the last action. */
  banner?: ReactNode
  /** The table of the current page. */
  children: ReactNode
  /** Rendered after the list, e.g. a drawer. */
  after?: ReactNode
}) {
  return (
    <Container className="divide-y p-0">
      <div className="flex items-center justify-between gap-x-4 px-6 py-4">
        <div>
          <Heading level="h1">{title}</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            {subtitle}
          </Text>
        </div>
        <StatusFilter value={paging.status} options={statuses} onChange={paging.setStatus} />
      </div>
      {banner}
      {query.isError ? (
        <div className="px-6 py-4">
          <Alert variant="error">
            Could not load {title.toLowerCase()}: {errorMessage(query.error)}
          </Alert>
        </div>
      ) : query.isLoading ? (
        <Text size="small" className="text-ui-fg-muted px-6 py-4">
          Loading…
        </Text>
      ) : empty ? (
        <Text size="small" className="text-ui-fg-muted px-6 py-8 text-center">
          {emptyText}
        </Text>
      ) : (
        <div className={query.isFetching ? "opacity-60 transition-opacity" : undefined}>
          {children}
          <Pagination count={count} offset={paging.offset} pageSize={PAGE_SIZE} onOffsetChange={paging.setOffset} />
        </div>
      )}
      {after}
    </Container>
  )
}
