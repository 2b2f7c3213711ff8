import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ICustomerModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"

export type CustomerPreferences = { locale: string; marketing_opt_in: boolean }

export const setDefaultPreferencesStepId = "set-default-preferences-step"

/**
 * Gives the customer default preferences in `metadata.omniflow`: the locale the storefront
 * registered them with (`metadata.locale`), else the shop's default, and no marketing until
 * they opt in. Preferences already there are kept. Compensation restores the metadata as
 * it was.
 */
export const setDefaultPreferencesStep = createStep(
  setDefaultPreferencesStepId,
  async (input: { customer_id: string; default_locale: string }, { container }) => {
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    const customer = await customers.retrieveCustomer(input.customer_id)
    const before = (customer.metadata ?? {}) as Record<string, unknown>
    const own = (before.omniflow ?? {}) as Partial<CustomerPreferences>
    const preferences: CustomerPreferences = {
      locale: preferredLocale(before, input.default_locale),
      marketing_opt_in: own.marketing_opt_in ?? false,
    }
    await customers.updateCustomers(input.customer_id, { metadata: { ...before, omniflow: preferences } })
    return new StepResponse(preferences, { customer_id: input.customer_id, metadata: before })
  },
  async (previous, { container }) => {
    if (!previous) {
      return
    }
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    // Medusa merges metadata keys; the key this step added is removed by setting it empty.
    await customers.updateCustomers(previous.customer_id, {
      metadata: { ...previous.metadata, omniflow: (previous.metadata as any).omniflow ?? "" },
    })
  }
)

/** The customer's locale: their preference, else the one they registered with, else the shop's. */
export function preferredLocale(metadata: Record<string, unknown> | null | undefined, fallback: string): string {
  const own = (metadata?.omniflow ?? {}) as Partial<CustomerPreferences>
  const registered = typeof metadata?.locale === "string" && metadata.locale ? metadata.locale : null
  return own.locale ?? registered ?? fallback
}
