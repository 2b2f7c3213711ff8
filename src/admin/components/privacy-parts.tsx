import { Button, StatusBadge, Text } from "@medusajs/ui"
import { useState } from "react"
import { errorMessage } from "../lib/api"
import { formatDateTime, formatRelative, humanize } from "../lib/format"
import { downloadDataExport, isDownloadable, PrivacyRequest, Requester } from "../lib/privacy"

const STATE_COLORS: Record<string, "green" | "red" | "blue" | "grey"> = {
  running: "blue",
  completed: "green",
  failed: "red",
}

export const PrivacyStateBadge = ({ state }: { state: string }) => (
  <StatusBadge color={STATE_COLORS[state] ?? "grey"}>{humanize(state)}</StatusBadge>
)

export const kindLabel = (kind: string) => (kind === "erasure" ? "Erasure" : kind === "export" ? "Data export" : humanize(kind))

/** Who asked: the customer themself, or an admin named by email when it can be read. */
export function requesterLabel(requester: Requester, userEmails?: Map<string, string | null>): string {
  if (requester.type === "customer") return "the customer"
  if (requester.type === "user") return userEmails?.get(requester.id) ?? `admin ${requester.id}`
  return `${requester.type} ${requester.id}`
}

/**
 * Download of a completed export, or why there is none. Only the admin who asked may
 * download it; anyone else gets the route's "not found", shown under the button.
 */
export const ExportDownload = ({ request }: { request: PrivacyRequest }) => {
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  if (request.kind !== "export" || request.state !== "completed") return null
  if (!isDownloadable(request)) {
    return (
      <Text size="xsmall" className="text-ui-fg-muted">
        Link expired {formatDateTime(request.expires_at)}
      </Text>
    )
  }
  const download = async () => {
    setError(null)
    setBusy(true)
    try {
      await downloadDataExport(request.id)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="flex flex-col items-end gap-y-1">
      <Button size="small" variant="secondary" isLoading={busy} onClick={download}>
        Download
      </Button>
      <Text size="xsmall" className="text-ui-fg-subtle" title={formatDateTime(request.expires_at)}>
        link expires {formatRelative(request.expires_at)}
      </Text>
      {error && (
        <Text size="xsmall" className="text-ui-fg-error max-w-[220px] whitespace-normal text-right">
          {error}
        </Text>
      )}
    </div>
  )
}
