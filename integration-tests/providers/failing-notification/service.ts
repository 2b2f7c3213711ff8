import { AbstractNotificationProviderService } from "@medusajs/framework/utils"
import { ProviderSendNotificationDTO, ProviderSendNotificationResultsDTO } from "@medusajs/framework/types"

/**
 * A test-only notification provider for the `email` channel: it accepts every message, as
 * the local provider does, except those whose template is listed in
 * `OMNIFLOW_TEST_FAIL_TEMPLATES` (comma-separated, read at each send), which fail as a mail
 * service that is down would. A test turns a failure on and off by setting that variable.
 * Registered only when `OMNIFLOW_TEST_NOTIFICATIONS=true` (medusa-config.ts).
 */
export class FailingNotificationProviderService extends AbstractNotificationProviderService {
  static identifier = "omniflow-test-notification"

  async send(notification: ProviderSendNotificationDTO): Promise<ProviderSendNotificationResultsDTO> {
    const failing = (process.env.OMNIFLOW_TEST_FAIL_TEMPLATES ?? "").split(",").filter(Boolean)
    if (failing.includes(notification.template)) {
      throw new Error(`mail service unavailable (test provider fails template ${notification.template})`)
    }
    return { id: `test-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` }
  }
}
