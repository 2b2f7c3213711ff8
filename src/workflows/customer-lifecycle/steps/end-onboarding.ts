import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService } from "../../../modules/customer-lifecycle"

export const endOnboardingStepId = "end-onboarding-step"

/** Marks the onboarding complete, with the group and locale it gave the customer. */
export const endOnboardingStep = createStep(
  endOnboardingStepId,
  async (input: { customer_id: string; group_id: string | null; locale: string | null }, { container }) => {
    const service: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    const row = await service.endOnboarding(input.customer_id, { state: "completed", group_id: input.group_id, locale: input.locale })
    return new StepResponse({ state: (row?.state as string) ?? "completed" })
  }
)
