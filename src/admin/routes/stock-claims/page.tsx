import { defineRouteConfig } from "@medusajs/admin-sdk"
import { ArchiveBox } from "@medusajs/icons"
import { Table, Text } from "@medusajs/ui"
import { Link } from "react-router-dom"
import { ClaimStatusBadge } from "../../components/badges"
import { ListPage, useStatusPaging } from "../../components/list-page"
import { formatDateTime } from "../../lib/format"
import { useStockClaims } from "../../lib/queries"
import type { StockClaim, StockClaimStatus } from "../../lib/types"

const STATUSES = ["held", "converted", "released"] as const

/**
 * The checkout guard's ledger: every cart's stock claim, newest first. A claim still
 * "held" long after its checkout is one the reconciliation job will release.
 */
const StockClaimsPage = () => {
  const paging = useStatusPaging<StockClaimStatus>("all")
  const query = useStockClaims({ status: paging.statusFilter, offset: paging.offset })
  const claims = query.data?.claims ?? []

  return (
    <ListPage
      title="Stock claims"
      subtitle="Stock held by checkouts before core reserves it: held → converted (order placed) or released."
      statuses={STATUSES}
      paging={paging}
      query={query}
      count={query.data?.count ?? 0}
      empty={claims.length === 0}
      emptyText="No claims."
    >
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
    </ListPage>
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
