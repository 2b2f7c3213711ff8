import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService } from "../../../modules/customer-lifecycle"

export const beginOnboardingStepId = "begin-onboarding-step"

/**
 * Takes the customer's onboarding (one per customer, by a unique index): `started: false`
 * when it is already running or done, so a second delivery of the event does nothing.
 * Compensation leaves the failure visible on the onboarding for the customer and the admin.
 */
export const beginOnboardingStep = createStep(
  beginOnboardingStepId,
  async (input: { customer_id: string }, { container }) => {
    const service: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    const { started, onboarding } = await service.beginOnboarding(input.customer_id)
    return new StepResponse(
      { started, state: onboarding?.state as string, attempts: Number(onboarding?.attempts ?? 0) },
      started ? input.customer_id : undefined
    )
  },
  async (customerId, { container }) => {
    if (!customerId) {
      return
    }
    const service: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    await service.endOnboarding(customerId, {
      state: "failed",
      error: "A step of the onboarding failed and the others were undone; the run waits in the Flows inbox for a retry.",
    })
  }
)
