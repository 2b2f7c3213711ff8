import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ICustomerModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"

export type AddCustomerToDefaultGroupStepInput = { customer_id: string; group_name: string }

type Membership = { customer_id: string; customer_group_id: string; added: boolean }
type DefaultGroup = { group_id: string; group_name: string; added: boolean }

export const addCustomerToDefaultGroupStepId = "add-customer-to-default-group-step"

/**
 * Puts the customer in the shop's default group, creating the group on first use (group
 * names are unique in core, so two onboardings creating it at once end with one group).
 * Compensation takes the customer out again only if this step put them in; the group
 * stays, as other customers may have joined it meanwhile.
 */
export const addCustomerToDefaultGroupStep = createStep(
  addCustomerToDefaultGroupStepId,
  async (input: AddCustomerToDefaultGroupStepInput, { container }) => {
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    const group = await findOrCreateGroup(customers, input.group_name)
    const [member] = await customers.listCustomerGroupCustomers({
      customer_id: input.customer_id,
      customer_group_id: group.id,
    } as any)
    if (member) {
      return new StepResponse<DefaultGroup, Membership>(
        { group_id: group.id, group_name: group.name!, added: false },
        { customer_id: input.customer_id, customer_group_id: group.id, added: false }
      )
    }
    await customers.addCustomerToGroup({ customer_id: input.customer_id, customer_group_id: group.id })
    return new StepResponse<DefaultGroup, Membership>(
      { group_id: group.id, group_name: group.name!, added: true },
      { customer_id: input.customer_id, customer_group_id: group.id, added: true }
    )
  },
  async (membership, { container }) => {
    if (!membership?.added) {
      return
    }
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    await customers.removeCustomerFromGroup({ customer_id: membership.customer_id, customer_group_id: membership.customer_group_id })
  }
)

async function findOrCreateGroup(customers: ICustomerModuleService, name: string) {
  const [existing] = await customers.listCustomerGroups({ name })
  if (existing) {
    return existing
  }
  try {
    return await customers.createCustomerGroups({ name, metadata: { created_by: "omniflow-onboarding" } })
  } catch (e) {
    // Another onboarding created it a moment ago (unique name): use that one.
    const [created] = await customers.listCustomerGroups({ name })
    if (created) {
      return created
    }
    throw e
  }
}
