import { Alert, Badge, Button, Drawer, Table, Text } from "@medusajs/ui"
import { ReactNode } from "react"
import { errorMessage } from "../lib/api"
import { formatDateTime, humanize } from "../lib/format"
import { ERASURE_PHASES, ErasureCertificate as Certificate, PrivacyCounts, useErasureCertificate, useUserEmails } from "../lib/privacy"
import { PrivacyStateBadge, requesterLabel } from "./privacy-parts"

/** What each phase does, in the words the certificate is read in. */
const PHASE_TEXT: Record<string, string> = {
  revoke: "Logins removed, open carts emptied",
  assess: "Personal data counted",
  erase: "Personal fields blanked; amounts, items and tax data kept",
  verify: "Whole database searched for what is left",
  certificate: "Search terms cleared, request completed",
}

/**
 * An erasure's certificate in a drawer: each phase with its time, the counts per kind of
 * record, and the verification's search. Opened for one request id; null keeps it closed.
 * While the erasure runs the drawer follows its progress.
 */
export const ErasureCertificateDrawer = ({ requestId, onClose }: { requestId: string | null; onClose: () => void }) => (
  <Drawer open={!!requestId} onOpenChange={(open) => !open && onClose()}>
    <Drawer.Content>
      <Drawer.Header>
        <Drawer.Title>Erasure certificate</Drawer.Title>
      </Drawer.Header>
      <Drawer.Body className="flex flex-1 flex-col gap-y-6 overflow-y-auto">
        {requestId && <CertificateBody requestId={requestId} />}
      </Drawer.Body>
      <Drawer.Footer>
        <Button type="button" variant="secondary" size="small" onClick={onClose}>
          Close
        </Button>
      </Drawer.Footer>
    </Drawer.Content>
  </Drawer>
)

const CertificateBody = ({ requestId }: { requestId: string }) => {
  const { data, isLoading, isError, error } = useErasureCertificate(requestId)
  const certificate = data?.erasure_request
  const userEmails = useUserEmails(certificate?.requested_by.type === "user" ? [certificate.requested_by.id] : [])
  if (isError) return <Alert variant="error">Could not load the certificate: {errorMessage(error)}</Alert>
  if (isLoading || !certificate) {
    return (
      <Text size="small" className="text-ui-fg-muted">
        Loading…
      </Text>
    )
  }
  return (
    <>
      <Section title="Request">
        <dl className="grid grid-cols-[120px_1fr] gap-x-4 gap-y-1">
          <Term label="Request">
            <span className="font-mono">{certificate.id}</span>
          </Term>
          <Term label="Customer">
            <span className="font-mono">{certificate.customer_id}</span>
          </Term>
          <Term label="Requested by">{requesterLabel(certificate.requested_by, userEmails)}</Term>
          <Term label="Requested">{formatDateTime(certificate.created_at)}</Term>
          <Term label="Completed">{formatDateTime(certificate.completed_at)}</Term>
          <Term label="State">
            <PrivacyStateBadge state={certificate.state} />
          </Term>
        </dl>
        {certificate.error && (
          <Alert variant="error" className="mt-3">
            {certificate.error}
          </Alert>
        )}
      </Section>
      <Phases certificate={certificate} />
      {/* The conclusion before the detail: nothing found, or where something is left. */}
      <Verification certificate={certificate} />
      <Counts counts={certificate.counts} />
    </>
  )
}

const Section = ({ title, children }: { title: string; children: ReactNode }) => (
  <section>
    <Text size="small" weight="plus" className="mb-2">
      {title}
    </Text>
    {children}
  </section>
)

const Term = ({ label, children }: { label: string; children: ReactNode }) => (
  <>
    <dt>
      <Text size="small" className="text-ui-fg-subtle">
        {label}
      </Text>
    </dt>
    <dd>
      <Text size="small" className="break-all">
        {children}
      </Text>
    </dd>
  </>
)

/** The five phases in order; the first one not finished is where a running erasure is. */
const Phases = ({ certificate }: { certificate: Certificate }) => {
  const finished = new Map(certificate.phases.map((p) => [p.name, p.finished_at]))
  const current = ERASURE_PHASES.find((name) => !finished.has(name))
  return (
    <Section title="Phases">
      <ol className="flex flex-col gap-y-2" data-testid="erasure-phases">
        {ERASURE_PHASES.map((name, i) => {
          const at = finished.get(name)
          // Only the first unfinished phase is running (or is where a failed erasure stopped).
          const status = name === current && certificate.state !== "completed" ? certificate.state : "pending"
          return (
            <li key={name} className="grid grid-cols-[24px_90px_1fr_auto] items-baseline gap-x-2">
              <Text size="small" className="text-ui-fg-muted">
                {i + 1}.
              </Text>
              <Text size="small" weight="plus">
                {name}
              </Text>
              <Text size="xsmall" className="text-ui-fg-subtle">
                {PHASE_TEXT[name]}
              </Text>
              <Text size="xsmall" className={at ? "text-ui-fg-base" : status === "failed" ? "text-ui-fg-error" : "text-ui-fg-muted"}>
                {at ? formatDateTime(at) : status}
              </Text>
            </li>
          )
        })}
      </ol>
    </Section>
  )
}

/** Erase counts the customer's saved addresses under a shorter name than assess does. */
const ERASED_ALIASES: Record<string, string> = { addresses: "customer_addresses" }

const kindName = (kind: string) => {
  const text = humanize(kind)
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * One row per kind of record that had any: what assess found and what erase changed
 * (revoke apart). Kinds with nothing are named on one line, so the table stays short.
 */
const Counts = ({ counts }: { counts: PrivacyCounts | null }) => {
  const assessed = counts?.assessed ?? {}
  const erased = Object.fromEntries(Object.entries(counts?.erased ?? {}).map(([k, n]) => [ERASED_ALIASES[k] ?? k, n]))
  const revoked = counts?.revoked ?? {}
  const kinds = [...new Set([...Object.keys(assessed), ...Object.keys(erased)])].sort()
  const some = kinds.filter((k) => (assessed[k] ?? 0) > 0 || (erased[k] ?? 0) > 0)
  const none = kinds.filter((k) => !some.includes(k))
  const revokedText = Object.entries(revoked)
    .map(([kind, n]) => `${n} ${humanize(kind)}`)
    .join(", ")
  return (
    <Section title="Counts per kind">
      {revokedText && (
        <Text size="small" className="text-ui-fg-subtle mb-2">
          Revoked: {revokedText}
        </Text>
      )}
      {kinds.length === 0 ? (
        <Text size="small" className="text-ui-fg-muted">
          Nothing counted yet.
        </Text>
      ) : (
        <>
          {some.length > 0 && (
            <Table data-testid="erasure-counts">
              <Table.Header>
                <Table.Row>
                  <Table.HeaderCell>Kind</Table.HeaderCell>
                  <Table.HeaderCell className="text-right">Found</Table.HeaderCell>
                  <Table.HeaderCell className="text-right">Erased</Table.HeaderCell>
                </Table.Row>
              </Table.Header>
              <Table.Body>
                {some.map((kind) => (
                  <Table.Row key={kind}>
                    <Table.Cell>{kindName(kind)}</Table.Cell>
                    <Table.Cell className="text-right">{assessed[kind] ?? "—"}</Table.Cell>
                    <Table.Cell className="text-right">{erased[kind] ?? "—"}</Table.Cell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table>
          )}
          {none.length > 0 && (
            <Text size="xsmall" className="text-ui-fg-subtle mt-2">
              None: {none.map(humanize).join(", ")}
            </Text>
          )}
        </>
      )}
    </Section>
  )
}

const Verification = ({ certificate }: { certificate: Certificate }) => {
  const v = certificate.verification
  if (!v) {
    return (
      <Section title="Verification">
        <Text size="small" className="text-ui-fg-muted">
          Not searched yet.
        </Text>
      </Section>
    )
  }
  const matches = v.matches.length
  return (
    <Section title="Verification">
      <div className="flex flex-wrap items-center gap-2" data-testid="erasure-verification">
        <Badge size="small" color={matches ? "red" : "green"}>
          {matches} {matches === 1 ? "match" : "matches"}
        </Badge>
        <Text size="small">
          {v.tables_searched} tables, {v.columns_searched} columns searched
          {v.searched_for.length ? ` for ${v.searched_for.join(", ")}` : ""}
        </Text>
      </div>
      {v.searched_at && (
        <Text size="xsmall" className="text-ui-fg-subtle mt-1">
          Searched {formatDateTime(v.searched_at)}
        </Text>
      )}
      {matches > 0 && (
        <ul className="mt-2 flex flex-col gap-y-1">
          {v.matches.map((m) => (
            <li key={`${m.table}.${m.column}`}>
              <Text size="small" className="text-ui-fg-error font-mono">
                {m.table}.{m.column} ({m.rows} row{m.rows === 1 ? "" : "s"})
              </Text>
            </li>
          ))}
        </ul>
      )}
    </Section>
  )
}
