import { Table } from "@medusajs/ui"

/** Offset-based pagination over the API's `count`, in the dashboard's own style. */
export const Pagination = ({
  count,
  offset,
  pageSize,
  onOffsetChange,
}: {
  count: number
  offset: number
  pageSize: number
  onOffsetChange: (offset: number) => void
}) => {
  const pageIndex = Math.floor(offset / pageSize)
  const pageCount = Math.max(1, Math.ceil(count / pageSize))
  return (
    <Table.Pagination
      count={count}
      pageSize={pageSize}
      pageIndex={pageIndex}
      pageCount={pageCount}
      canPreviousPage={pageIndex > 0}
      canNextPage={pageIndex < pageCount - 1}
      previousPage={() => onOffsetChange(Math.max(0, offset - pageSize))}
      nextPage={() => onOffsetChange(offset + pageSize)}
    />
  )
}
