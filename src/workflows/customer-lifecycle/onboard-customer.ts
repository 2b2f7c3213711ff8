import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { recordAuditEntriesStep } from "../audit/steps/record-audit-entries"
import { addCustomerToDefaultGroupStep } from "./steps/add-customer-to-default-group"
import { beginOnboardingStep } from "./steps/begin-onboarding"
import { endOnboardingStep } from "./steps/end-onboarding"
import { getOnboardingSettingsStep } from "./steps/get-onboarding-settings"
import { sendWelcomeNotificationStep } from "./steps/send-welcome-notification"
import { setDefaultPreferencesStep } from "./steps/set-default-preferences"

export type OnboardCustomerWorkflowInput = { customer_id: string }

export const onboardCustomerWorkflowId = "omniflow-onboard-customer"

/**
 * Onboards a new customer (store registration or created by an admin). Once per customer:
 * a second run for the same customer — the event delivered twice, a retry after success —
 * does nothing. Its parts run one after the other: the default group, default
 * preferences, the audit entry and the welcome message (each takes milliseconds; in
 * sequence, a run whose policy holds failures has one clear step to continue from). If
 * one fails, the others are undone
 * (membership removed, metadata restored, a reversal appended to the audit trail), the
 * onboarding shows `failed`, and the run waits in the inbox; a retry onboards afresh.
 *
 * @example
 * await onboardCustomerWorkflow(container).run({ input: { customer_id: "cus_123" } })
 */
export const onboardCustomerWorkflow = createWorkflow(onboardCustomerWorkflowId, (input: OnboardCustomerWorkflowInput) => {
  const begun = beginOnboardingStep(input)

  const onboarded = when("onboard-new-customer", { begun }, ({ begun }) => begun.started).then(() => {
    const settings = getOnboardingSettingsStep()
    const attempt = transform({ begun }, ({ begun }) => begun.attempts)
    const group = addCustomerToDefaultGroupStep(
      transform({ input, settings }, ({ input, settings }) => ({ customer_id: input.customer_id, group_name: settings.default_group }))
    )
    const preferences = setDefaultPreferencesStep(
      transform({ input, settings }, ({ input, settings }) => ({
        customer_id: input.customer_id,
        default_locale: settings.default_locale,
      }))
    )
    recordAuditEntriesStep(
      transform({ input, settings }, ({ input, settings }) => ({
        entries: [
          {
            actor_type: "system" as const,
            action: "customer.onboarded",
            target_type: "customer",
            target_id: input.customer_id,
            details: { default_group: settings.default_group },
          },
        ],
        reverted_action: "customer.onboarding_failed",
      }))
    )
    sendWelcomeNotificationStep(
      transform({ input, settings, attempt }, ({ input, settings, attempt }) => ({
        customer_id: input.customer_id,
        channel: settings.channel,
        template: settings.welcome_template,
        default_locale: settings.default_locale,
        attempt,
      }))
    )
    endOnboardingStep(
      transform({ input, group, preferences }, ({ input, group, preferences }) => ({
        customer_id: input.customer_id,
        group_id: group.group_id,
        locale: preferences.locale,
      }))
    )
    return transform({ group, preferences }, ({ group, preferences }) => ({ group_id: group.group_id, locale: preferences.locale }))
  })

  return new WorkflowResponse(
    transform({ begun, onboarded }, ({ begun, onboarded }) => ({
      onboarded: begun.started,
      state: begun.started ? "completed" : begun.state,
      group_id: onboarded?.group_id ?? null,
      locale: onboarded?.locale ?? null,
    }))
  )
})
