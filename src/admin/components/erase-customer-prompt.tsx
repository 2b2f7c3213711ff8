import { Button, Input, Label, Prompt, Textarea } from "@medusajs/ui"
import { FormEvent, useEffect, useState } from "react"

/** Typing the customer's email (any case) or the word ERASE; never one stray click. */
export function confirmsErasure(typed: string, email: string | null | undefined): boolean {
  const value = typed.trim()
  return value === "ERASE" || (!!email && value.toLowerCase() === email.trim().toLowerCase())
}

/**
 * Asks before a customer is erased: what it does, then the customer's email or ERASE typed
 * out, and an optional note for the audit trail. Stays open while the request is sent.
 */
export const EraseCustomerPrompt = ({
  open,
  email,
  sending,
  onConfirm,
  onCancel,
}: {
  open: boolean
  email: string | null | undefined
  sending: boolean
  onConfirm: (note: string | undefined) => void
  onCancel: () => void
}) => {
  const [typed, setTyped] = useState("")
  const [note, setNote] = useState("")
  const valid = confirmsErasure(typed, email)

  // Each opening starts empty: a confirmation typed earlier must not carry over.
  useEffect(() => {
    if (open) {
      setTyped("")
      setNote("")
    }
  }, [open])

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (valid && !sending) onConfirm(note.trim() || undefined)
  }
  return (
    <Prompt open={open} onOpenChange={(next) => !next && onCancel()} variant="danger">
      <Prompt.Content>
        <form onSubmit={submit}>
          <Prompt.Header>
            <Prompt.Title>Erase this customer?</Prompt.Title>
            <Prompt.Description>
              Their logins are removed and their personal data is blanked everywhere: profile, addresses, orders,
              carts, payments, notifications. Orders keep their amounts, items and tax data. This cannot be undone.
            </Prompt.Description>
          </Prompt.Header>
          <div className="border-ui-border-base mt-6 flex flex-col gap-y-4 border-y p-6">
            <div className="flex flex-col gap-y-2">
              <Label htmlFor="omniflow-erase-confirm" className="text-ui-fg-subtle">
                Type {email ? <span className="text-ui-fg-base txt-compact-medium-plus">{email}</span> : null}
                {email ? " or " : ""}
                <span className="text-ui-fg-base txt-compact-medium-plus">ERASE</span> to confirm:
              </Label>
              <Input
                id="omniflow-erase-confirm"
                autoFocus
                autoComplete="off"
                placeholder={email ?? "ERASE"}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
              />
            </div>
            <div className="flex flex-col gap-y-2">
              <Label htmlFor="omniflow-erase-note" className="text-ui-fg-subtle">
                Note <span className="text-ui-fg-muted">(optional, kept in the audit trail)</span>
              </Label>
              <Textarea id="omniflow-erase-note" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
            </div>
          </div>
          <Prompt.Footer>
            <Prompt.Cancel type="button" onClick={onCancel}>
              Cancel
            </Prompt.Cancel>
            <Button type="submit" size="small" variant="danger" disabled={!valid} isLoading={sending}>
              Erase customer
            </Button>
          </Prompt.Footer>
        </form>
      </Prompt.Content>
    </Prompt>
  )
}
