import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminCustomer, DetailWidgetProps } from "@medusajs/framework/types"
import { Alert, Button, Container, Heading, Text } from "@medusajs/ui"
import { useEffect, useState } from "react"
import { Link } from "react-router-dom"
import { EraseCustomerPrompt } from "../components/erase-customer-prompt"
import { ErasureCertificateDrawer } from "../components/erasure-certificate"
import { ExportDownload, PrivacyStateBadge, requesterLabel } from "../components/privacy-parts"
import { errorMessage } from "../lib/api"
import { formatDateTime, formatDetail, humanize } from "../lib/format"
import { Field } from "../components/field"
import {
  AuditEntry,
  phaseProgress,
  PrivacyRequest,
  unfulfilledOrdersRefusal,
  useAuditEntries,
  useCustomerPrivacyRequests,
  useRequestDataExport,
  useRequestErasure,
  useUserEmails,
} from "../lib/privacy"

type Outcome = { variant: "success" | "error" | "warning"; text: string; orderIds?: string[] } | null

/** How many of the customer's exports the section lists; the Privacy requests page has all. */
const EXPORTS_SHOWN = 3
const AUDIT_SHOWN = 10

/**
 * The customer's privacy in short: onboarding, their erasure and latest data exports, the
 * two actions (export their data, erase them) and the audit trail about them.
 */
const CustomerPrivacyWidget = ({ data: customer }: DetailWidgetProps<AdminCustomer>) => {
  const requests = useCustomerPrivacyRequests(customer.id)
  // Requests record their steps in the trail as they go.
  const running = !!requests.data?.some((r) => r.state === "running")
  const trail = useAuditEntries({ target: customer.id, limit: AUDIT_SHOWN }, running)
  // A request that just ended wrote its last entries: read the trail once more.
  const states = (requests.data ?? []).map((r) => `${r.id}:${r.state}`).join(",")
  useEffect(() => {
    void trail.refetch()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [states])
  const requestExport = useRequestDataExport(customer.id)
  const requestErasure = useRequestErasure(customer.id)
  const [confirming, setConfirming] = useState(false)
  const [outcome, setOutcome] = useState<Outcome>(null)
  const [certificateOf, setCertificateOf] = useState<string | null>(null)

  const list = requests.data ?? []
  const erasure = list.find((r) => r.kind === "erasure") ?? null
  const exports = list.filter((r) => r.kind === "export")
  const entries = trail.data?.audit_entries ?? []
  const userEmails = useUserEmails([
    ...list.filter((r) => r.requested_by.type === "user").map((r) => r.requested_by.id),
    ...entries.filter((e) => e.actor_type === "user" && e.actor_id).map((e) => e.actor_id as string),
  ])

  const startExport = () => {
    setOutcome(null)
    requestExport.mutate(
      {},
      {
        onSuccess: () => setOutcome({ variant: "success", text: "Data export started. It is listed below once ready to download." }),
        onError: (e) => setOutcome({ variant: "error", text: `The data export was not started: ${errorMessage(e)}` }),
      }
    )
  }

  const startErasure = (note: string | undefined) => {
    setOutcome(null)
    requestErasure.mutate(
      { note },
      {
        onSuccess: () => setOutcome({ variant: "success", text: "Erasure started. Its progress is shown below." }),
        onError: (e) => {
          const refusal = unfulfilledOrdersRefusal(e)
          setOutcome(
            refusal
              ? { variant: "warning", text: `Erasure refused: ${refusal.message}.`, orderIds: refusal.order_ids }
              : { variant: "error", text: `The erasure was not started: ${errorMessage(e)}` }
          )
        },
        onSettled: () => setConfirming(false),
      }
    )
  }

  // Once an erasure exists there is nothing more to do here: it finishes by itself (or
  // waits in the Flows inbox), and the customer it leaves has no personal data to export.
  const locked = !!erasure
  return (
    <Container className="divide-y p-0" data-testid="customer-privacy">
      <div className="flex flex-wrap items-center justify-between gap-2 px-6 py-4">
        <Heading level="h2">Privacy</Heading>
        <div className="flex gap-x-2">
          <Button size="small" variant="secondary" disabled={locked} isLoading={requestExport.isPending} onClick={startExport}>
            Export data
          </Button>
          <Button size="small" variant="danger" disabled={locked} onClick={() => setConfirming(true)}>
            Erase customer…
          </Button>
        </div>
      </div>
      {outcome && (
        <div className="px-6 py-3" data-testid="customer-privacy-outcome">
          <Alert variant={outcome.variant} dismissible>
            {outcome.text}
            {!!outcome.orderIds?.length && (
              <span className="mt-1 flex flex-wrap gap-x-2">
                Orders:
                {outcome.orderIds.map((id) => (
                  <Link key={id} to={`/orders/${id}`} className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover font-mono">
                    {id}
                  </Link>
                ))}
              </span>
            )}
          </Alert>
        </div>
      )}
      {requests.isError ? (
        <div className="px-6 py-4">
          <Alert variant="error">Could not load the customer's privacy requests: {errorMessage(requests.error)}</Alert>
        </div>
      ) : requests.isLoading ? (
        <Text size="small" className="text-ui-fg-muted px-6 py-4">
          Loading…
        </Text>
      ) : (
        <>
          <Onboarding customerId={customer.id} trail={entries} />
          <Field label="Erasure">
            {erasure ? (
              <ErasureState request={erasure} requestedBy={requesterLabel(erasure.requested_by, userEmails)} onCertificate={() => setCertificateOf(erasure.id)} />
            ) : (
              <Text size="small" className="text-ui-fg-subtle">
                Not requested
              </Text>
            )}
          </Field>
          <Field label="Data exports">
            {exports.length === 0 ? (
              <Text size="small" className="text-ui-fg-subtle">
                None yet
              </Text>
            ) : (
              <ul className="flex flex-col gap-y-2">
                {exports.slice(0, EXPORTS_SHOWN).map((r) => (
                  <li key={r.id} className="flex items-start justify-between gap-x-4" data-testid={`customer-export-${r.id}`}>
                    <div className="flex flex-wrap items-center gap-x-2">
                      <PrivacyStateBadge state={r.state} />
                      <Text size="small" className="text-ui-fg-subtle">
                        {formatDateTime(r.created_at)} · by {requesterLabel(r.requested_by, userEmails)}
                      </Text>
                      {r.error && (
                        <Text size="xsmall" className="text-ui-fg-error w-full">
                          {r.error}
                        </Text>
                      )}
                    </div>
                    <ExportDownload request={r} />
                  </li>
                ))}
              </ul>
            )}
            {exports.length > EXPORTS_SHOWN && (
              <Link to="/privacy-requests" className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover txt-compact-xsmall mt-2 inline-block">
                {exports.length - EXPORTS_SHOWN} older on the Privacy requests page
              </Link>
            )}
          </Field>
        </>
      )}
      <AuditTrail query={trail} userEmails={userEmails} />
      <EraseCustomerPrompt
        open={confirming}
        email={customer.email}
        sending={requestErasure.isPending}
        onConfirm={startErasure}
        onCancel={() => setConfirming(false)}
      />
      <ErasureCertificateDrawer requestId={certificateOf} onClose={() => setCertificateOf(null)} />
    </Container>
  )
}


/**
 * Onboarding as the audit trail records it: its `customer.onboarded` entry is asked for
 * apart, as it may be older than the entries the trail lists.
 */
const Onboarding = ({ customerId, trail }: { customerId: string; trail: AuditEntry[] }) => {
  const { data } = useAuditEntries({ target: customerId, action: "customer.onboarded", limit: 1 })
  const onboarded = data?.audit_entries[0]
  const failed = trail.find((e) => e.action === "customer.onboarding_failed")
  return (
    <Field label="Onboarding">
      <Text size="small" className={onboarded ? undefined : "text-ui-fg-subtle"}>
        {onboarded
          ? `Onboarded ${formatDateTime(onboarded.created_at)}`
          : failed
            ? `Failed ${formatDateTime(failed.created_at)} (retry it from the Flows inbox)`
            : data
              ? "No onboarding recorded"
              : "…"}
      </Text>
    </Field>
  )
}

const ErasureState = ({
  request,
  requestedBy,
  onCertificate,
}: {
  request: PrivacyRequest
  requestedBy: string
  onCertificate: () => void
}) => (
  <div className="flex flex-wrap items-start justify-between gap-2" data-testid="customer-erasure">
    <div className="flex flex-col gap-y-1">
      <div className="flex items-center gap-x-2">
        <PrivacyStateBadge state={request.state} />
        <Text size="small">{request.state === "completed" ? "Customer erased" : `Phases ${phaseProgress(request)}`}</Text>
      </div>
      <Text size="xsmall" className="text-ui-fg-subtle">
        Asked {formatDateTime(request.created_at)} by {requestedBy}
        {request.completed_at ? ` · completed ${formatDateTime(request.completed_at)}` : ""}
      </Text>
      {request.error && (
        <Text size="xsmall" className="text-ui-fg-error">
          {request.error}
        </Text>
      )}
    </div>
    <Button size="small" variant="secondary" onClick={onCertificate}>
      Certificate
    </Button>
  </div>
)

/** "privacy.export_requested" → "privacy · export requested". */
const actionLabel = (action: string) => humanize(action).split(".").join(" · ")

const actorLabel = (entry: AuditEntry, userEmails?: Map<string, string | null>) =>
  entry.actor_type === "system"
    ? "system"
    : entry.actor_id
      ? requesterLabel({ type: entry.actor_type, id: entry.actor_id }, userEmails)
      : entry.actor_type

const AuditTrail = ({
  query,
  userEmails,
}: {
  query: ReturnType<typeof useAuditEntries>
  userEmails?: Map<string, string | null>
}) => {
  const entries = query.data?.audit_entries ?? []
  return (
    <div className="px-6 py-4" data-testid="customer-audit-trail">
      <div className="mb-3 flex items-baseline justify-between">
        <Text size="small" weight="plus" className="text-ui-fg-subtle">
          Audit trail
        </Text>
        {query.data && query.data.count > entries.length && (
          <Text size="xsmall" className="text-ui-fg-muted">
            latest {entries.length} of {query.data.count}
          </Text>
        )}
      </div>
      {query.isError ? (
        <Alert variant="error">Could not load the audit trail: {errorMessage(query.error)}</Alert>
      ) : query.isLoading ? (
        <Text size="small" className="text-ui-fg-muted">
          Loading…
        </Text>
      ) : entries.length === 0 ? (
        <Text size="small" className="text-ui-fg-muted">
          Nothing recorded about this customer.
        </Text>
      ) : (
        <ol className="flex flex-col gap-y-2">
          {entries.map((e) => (
            <li key={e.id}>
              <div className="flex flex-wrap items-baseline gap-x-2">
                <Text size="small" weight="plus">
                  {actionLabel(e.action)}
                </Text>
                <Text size="xsmall" className="text-ui-fg-subtle">
                  by {actorLabel(e, userEmails)}
                </Text>
                <Text size="xsmall" className="text-ui-fg-muted ml-auto">
                  {formatDateTime(e.created_at)}
                </Text>
              </div>
              {e.details && Object.keys(e.details).length > 0 && (
                <Text size="xsmall" className="text-ui-fg-subtle break-all">
                  {formatDetail(e.details)}
                </Text>
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}

export const config = defineWidgetConfig({
  zone: "customer.details.after",
})

export default CustomerPrivacyWidget
