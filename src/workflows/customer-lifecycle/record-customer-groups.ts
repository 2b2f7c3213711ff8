import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { AuditActorType } from "../../modules/audit"
import { recordAuditEntriesStep } from "../audit/steps/record-audit-entries"
import { describeGroupChangesStep, GroupChange } from "./steps/describe-group-changes"
import { notifyMembershipChangesStep } from "./steps/notify-membership-changes"

export type RecordCustomerGroupsWorkflowInput = {
  changes: GroupChange[]
  actor: { type: AuditActorType; id: string | null }
}

export const recordCustomerGroupsWorkflowId = "omniflow-record-customer-groups"

/**
 * After core changed customers' groups (the admin's customer and customer-group routes):
 * one audit entry per customer — who changed what, when — and, when the options say so, a
 * message to the customer. Core's group workflows have no hook and emit no event, so the
 * plugin's middleware on those routes starts this once core has answered 200.
 *
 * @example
 * await recordCustomerGroupsWorkflow(container).run({
 *   input: { changes: [{ customer_id: "cus_1", added: ["cusgroup_vip"], removed: [] }], actor: { type: "user", id: "user_1" } },
 * })
 */
export const recordCustomerGroupsWorkflow = createWorkflow(
  recordCustomerGroupsWorkflowId,
  (input: RecordCustomerGroupsWorkflowInput) => {
    const described = describeGroupChangesStep(input)
    recordAuditEntriesStep(
      transform({ input, described }, ({ input, described }) => ({
        entries: described.changes.map((c) => ({
          actor_type: input.actor.type,
          actor_id: input.actor.id,
          action: "customer.groups_changed",
          target_type: "customer",
          target_id: c.customer_id,
          details: { added: c.added, removed: c.removed, groups: c.groups },
        })),
      }))
    )
    const notified = when("tell-customers", { described }, ({ described }) => described.notify).then(() =>
      notifyMembershipChangesStep(
        transform({ described }, ({ described }) => ({
          changes: described.changes.map((c) => ({ ...c, id: c.customer_id })),
          resource_type: "customer" as const,
          trigger_type: "customer.groups_changed",
          channel: described.channel,
          template: described.template,
        }))
      )
    )
    return new WorkflowResponse(
      transform({ described, notified }, ({ described, notified }) => ({
        customers: described.changes.length,
        notified: notified?.sent ?? 0,
        notify_error: notified?.error ?? null,
      }))
    )
  }
)
