import { defineRouteConfig } from "@medusajs/admin-sdk"
import { ArchiveBox } from "@medusajs/icons"
import { Alert, Container, Heading, Table, Text } from "@medusajs/ui"
import { useState } from "react"
import { Link } from "react-router-dom"
import { ClaimStatusBadge } from "../../components/badges"
import { Pagination } from "../../components/pagination"
import { StatusFilter } from "../../components/status-filter"
import { errorMessage } from "../../lib/api"
import { formatDateTime } from "../../lib/format"
import { PAGE_SIZE, useStockClaims } from "../../lib/queries"
import type { StockClaim, StockClaimStatus } from "../../lib/types"

const STATUSES = ["held", "converted", "released"] as const

/**
 * The checkout guard's ledger: every cart's stock claim, newest first. A claim still
 * "held" long after its checkout is one the reconciliation job will release.
 */
const StockClaimsPage = () => {
  const [status, setStatus] = useState<StockClaimStatus | "all">("all")
  const [offset, setOffset] = useState(0)
  const { data, isLoading, isError, error, isFetching } = useStockClaims({
    status: status === "all" ? undefined : status,
    offset,
  })
  const claims = data?.claims ?? []

  return (
    <Container className="divide-y p-0">
      <div className="flex items-center justify-between gap-x-4 px-6 py-4">
        <div>
          <Heading level="h1">Stock claims</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Stock held by checkouts before core reserves it: held → converted (order placed) or released.
          </Text>
        </div>
        <StatusFilter
          value={status}
          options={STATUSES}
          onChange={(s) => {
            setStatus(s)
            setOffset(0)
          }}
        />
      </div>
      {isError ? (
        <div className="px-6 py-4">
          <Alert variant="error">Could not load stock claims: {errorMessage(error)}</Alert>
        </div>
      ) : isLoading ? (
        <Text size="small" className="text-ui-fg-muted px-6 py-4">
          Loading…
        </Text>
      ) : claims.length === 0 ? (
        <Text size="small" className="text-ui-fg-muted px-6 py-8 text-center">
          No claims.
        </Text>
      ) : (
        <div className={isFetching ? "opacity-60 transition-opacity" : undefined}>
          <Table>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Created</Table.HeaderCell>
                <Table.HeaderCell>Status</Table.HeaderCell>
                <Table.HeaderCell>Lines</Table.HeaderCell>
                <Table.HeaderCell>Cart / order</Table.HeaderCell>
                <Table.HeaderCell>Note</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {claims.map((claim) => (
                <ClaimRow key={claim.id} claim={claim} />
              ))}
            </Table.Body>
          </Table>
          <Pagination count={data?.count ?? 0} offset={offset} pageSize={PAGE_SIZE} onOffsetChange={setOffset} />
        </div>
      )}
    </Container>
  )
}

const ClaimRow = ({ claim }: { claim: StockClaim }) => (
  <Table.Row className="align-top [&_td]:py-3">
    <Table.Cell>
      <Text size="xsmall">{formatDateTime(claim.created_at)}</Text>
    </Table.Cell>
    <Table.Cell>
      <ClaimStatusBadge value={claim.status} />
    </Table.Cell>
    <Table.Cell className="whitespace-normal">
      {(claim.lines ?? []).map((line) => (
        <Text key={line.inventory_item_id} size="xsmall">
          {line.quantity} × {line.sku || line.inventory_item_id}
        </Text>
      ))}
    </Table.Cell>
    <Table.Cell>
      <Text size="xsmall" className="text-ui-fg-subtle font-mono">
        {claim.cart_id}
      </Text>
      {claim.order_id && (
        <Link to={`/orders/${claim.order_id}`} className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover text-xs">
          View order
        </Link>
      )}
    </Table.Cell>
    <Table.Cell className="max-w-[280px] whitespace-normal">
      <Text size="xsmall" className="text-ui-fg-subtle">
        {claim.note ?? "—"}
      </Text>
    </Table.Cell>
  </Table.Row>
)

export const config = defineRouteConfig({
  label: "Stock claims",
  icon: ArchiveBox,
})

export default StockClaimsPage
