import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"

export type OnboardingSettings = {
  default_group: string
  default_locale: string
  channel: string
  welcome_template: string
}

export const getOnboardingSettingsStepId = "get-onboarding-settings-step"

/** The options an onboarding decides by (`customerLifecycle.*`), read once at its start. */
export const getOnboardingSettingsStep = createStep(getOnboardingSettingsStepId, async (_: void, { container }) => {
  const { customerLifecycle } = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
  return new StepResponse<OnboardingSettings>({
    default_group: customerLifecycle.defaultGroup,
    default_locale: customerLifecycle.defaultLocale,
    channel: customerLifecycle.notificationChannel,
    welcome_template: customerLifecycle.templates.welcome,
  })
})
