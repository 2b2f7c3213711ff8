import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ICustomerModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"

export type GroupChange = { customer_id: string; added: string[]; removed: string[] }

export type DescribedGroupChange = {
  customer_id: string
  email: string | null
  added: { id: string; name: string | null }[]
  removed: { id: string; name: string | null }[]
  /** The customer's groups after the change, as core now holds them. */
  groups: { id: string; name: string | null }[]
}

export const describeGroupChangesStepId = "describe-group-changes-step"

/**
 * Names the groups and customers of a change (ids alone mean nothing in an audit trail a
 * person reads) and reads whether the customers are told. Customers that no longer exist
 * are left out.
 */
export const describeGroupChangesStep = createStep(
  describeGroupChangesStepId,
  async (input: { changes: GroupChange[] }, { container }) => {
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    const { customerLifecycle } = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
    const ids = [...new Set(input.changes.map((c) => c.customer_id))]
    const found = ids.length ? await customers.listCustomers({ id: ids }, { relations: ["groups"] }) : []
    const groupIds = [...new Set(input.changes.flatMap((c) => [...c.added, ...c.removed]))]
    const groups = groupIds.length ? await customers.listCustomerGroups({ id: groupIds }, { withDeleted: true }) : []
    const name = (id: string) => ({ id, name: groups.find((g) => g.id === id)?.name ?? null })
    const described: DescribedGroupChange[] = input.changes.flatMap((c) => {
      const customer = found.find((f) => f.id === c.customer_id)
      if (!customer) {
        return []
      }
      return [
        {
          customer_id: c.customer_id,
          email: customer.email ?? null,
          added: c.added.map(name),
          removed: c.removed.map(name),
          groups: (customer.groups ?? []).map((g: any) => ({ id: g.id, name: g.name ?? null })),
        },
      ]
    })
    return new StepResponse({
      changes: described,
      notify: customerLifecycle.notifyGroupChanges,
      channel: customerLifecycle.notificationChannel,
      template: customerLifecycle.templates.groupsChanged,
    })
  }
)
