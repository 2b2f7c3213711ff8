import { defineRouteConfig } from "@medusajs/admin-sdk"
import { LockClosedSolid } from "@medusajs/icons"
import { Button, Table, Text } from "@medusajs/ui"
import { useState } from "react"
import { Link } from "react-router-dom"
import { ErasureCertificateDrawer } from "../../components/erasure-certificate"
import { ListPage, useStatusPaging } from "../../components/list-page"
import { ExportDownload, kindLabel, PrivacyStateBadge, requesterLabel } from "../../components/privacy-parts"
import { StatusFilter } from "../../components/status-filter"
import { formatDateTime } from "../../lib/format"
import {
  phaseProgress,
  PrivacyRequest,
  PrivacyRequestKind,
  PrivacyRequestState,
  useCustomerEmails,
  usePrivacyRequests,
  useUserEmails,
} from "../../lib/privacy"

const STATES = ["running", "completed", "failed"] as const
const KINDS = ["export", "erasure"] as const

/**
 * Customers' data exports and erasures, newest first, whoever asked (the customer or an
 * admin): where each one stands, the download of a finished export, and an erasure's
 * certificate.
 */
const PrivacyRequestsPage = () => {
  const paging = useStatusPaging<PrivacyRequestState>("all")
  const [kind, setKind] = useState<PrivacyRequestKind | "all">("all")
  const [certificateOf, setCertificateOf] = useState<string | null>(null)
  const query = usePrivacyRequests({
    kind: kind === "all" ? undefined : kind,
    state: paging.statusFilter,
    offset: paging.offset,
  })
  const requests = query.data?.privacy_requests ?? []
  const userEmails = useUserEmails(requests.filter((r) => r.requested_by.type === "user").map((r) => r.requested_by.id))
  const customerEmails = useCustomerEmails(requests.map((r) => r.customer_id))

  return (
    <ListPage
      title="Privacy requests"
      subtitle="Data exports and erasures (GDPR), asked for by customers or by admins. Each runs in the background."
      statuses={STATES}
      paging={paging}
      query={query}
      count={query.data?.count ?? 0}
      empty={requests.length === 0}
      emptyText="No privacy requests."
      banner={
        <div className="flex items-center gap-x-3 px-6 py-3" data-testid="privacy-kind-filter">
          <Text size="small" className="text-ui-fg-subtle">
            Kind
          </Text>
          <StatusFilter
            value={kind}
            options={KINDS}
            onChange={(next) => {
              setKind(next)
              paging.setOffset(0)
            }}
          />
        </div>
      }
      after={<ErasureCertificateDrawer requestId={certificateOf} onClose={() => setCertificateOf(null)} />}
    >
      <Table>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Created</Table.HeaderCell>
            <Table.HeaderCell>Kind</Table.HeaderCell>
            <Table.HeaderCell>Customer</Table.HeaderCell>
            <Table.HeaderCell>Requested by</Table.HeaderCell>
            <Table.HeaderCell>State</Table.HeaderCell>
            <Table.HeaderCell>Phases done</Table.HeaderCell>
            <Table.HeaderCell className="text-right">Actions</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {requests.map((request) => (
            <RequestRow
              key={request.id}
              request={request}
              customerEmail={customerEmails?.get(request.customer_id) ?? null}
              requestedBy={requesterLabel(request.requested_by, userEmails)}
              onCertificate={() => setCertificateOf(request.id)}
            />
          ))}
        </Table.Body>
      </Table>
    </ListPage>
  )
}

const RequestRow = ({
  request,
  customerEmail,
  requestedBy,
  onCertificate,
}: {
  request: PrivacyRequest
  /** Null when the customer cannot be read, which is what an erased customer looks like. */
  customerEmail: string | null
  requestedBy: string
  onCertificate: () => void
}) => {
  const erased = request.kind === "erasure" && request.state === "completed"
  return (
    <Table.Row className="align-top [&_td]:py-3" data-testid={`privacy-request-${request.id}`}>
      <Table.Cell>
        <Text size="xsmall">{formatDateTime(request.created_at)}</Text>
        {request.completed_at && (
          <Text size="xsmall" className="text-ui-fg-subtle">
            done {formatDateTime(request.completed_at)}
          </Text>
        )}
      </Table.Cell>
      <Table.Cell>
        <Text size="small">{kindLabel(request.kind)}</Text>
      </Table.Cell>
      <Table.Cell>
        {/* An erased customer no longer exists: its page would be a 404, so only its id is shown. */}
        {erased ? (
          <Text size="xsmall" className="text-ui-fg-subtle font-mono">
            {request.customer_id}
          </Text>
        ) : (
          <Link
            to={`/customers/${request.customer_id}`}
            className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover txt-compact-small"
          >
            {customerEmail ?? request.customer_id}
          </Link>
        )}
        {customerEmail && !erased && (
          <Text size="xsmall" className="text-ui-fg-muted font-mono">
            {request.customer_id}
          </Text>
        )}
      </Table.Cell>
      <Table.Cell>
        <Text size="xsmall">{requestedBy}</Text>
      </Table.Cell>
      <Table.Cell>
        <PrivacyStateBadge state={request.state} />
        {request.error && (
          <Text size="xsmall" className="text-ui-fg-error mt-1 max-w-[260px] whitespace-normal">
            {request.error}
          </Text>
        )}
      </Table.Cell>
      <Table.Cell>
        <Text size="xsmall">{phaseProgress(request)}</Text>
      </Table.Cell>
      <Table.Cell className="text-right">
        {request.kind === "erasure" ? (
          <Button size="small" variant="secondary" onClick={onCertificate}>
            Certificate
          </Button>
        ) : (
          <div className="flex justify-end">
            <ExportDownload request={request} />
          </div>
        )}
      </Table.Cell>
    </Table.Row>
  )
}

export const config = defineRouteConfig({
  label: "Privacy requests",
  icon: LockClosedSolid,
})

export default PrivacyRequestsPage
