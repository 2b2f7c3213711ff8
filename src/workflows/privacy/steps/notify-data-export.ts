import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { AUDIT_MODULE, AuditModuleService } from "../../../modules/audit"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService } from "../../../modules/customer-lifecycle"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"

export type NotifyDataExportInput = { request_id: string }

export const notifyDataExportStepId = "notify-data-export-step"

/**
 * Tells a customer who asked for their data that it is ready (template
 * `customerLifecycle.templates.dataExportReady` on `customerLifecycle.notificationChannel`).
 * Exports an admin asked for are handed over by the admin, so nothing is sent. The export
 * is done whatever happens here: a missing channel or a failing provider is recorded in
 * the audit trail (`privacy.export_notification_failed`) and the run succeeds. A sent
 * message cannot be taken back, so there is no compensation.
 */
export const notifyDataExportStep = createStep(
  notifyDataExportStepId,
  async ({ request_id }: NotifyDataExportInput, { container }) => {
    const service: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    const request = await service.retrievePrivacyRequest(request_id)
    if (request.requested_by_type !== "customer") {
      return new StepResponse({ notified: false, failed: false })
    }
    const { notificationChannel, templates } = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions()
      .customerLifecycle
    try {
      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      const { data } = await query.graph({ entity: "customer", fields: ["id", "email"], filters: { id: request.customer_id } })
      const email = (data[0] as any)?.email
      if (!email) {
        return new StepResponse({ notified: false, failed: false })
      }
      await container.resolve(Modules.NOTIFICATION).createNotifications([
        {
          to: email,
          channel: notificationChannel,
          template: templates.dataExportReady,
          receiver_id: request.customer_id,
          resource_id: request.id,
          resource_type: "privacy_request",
          idempotency_key: `${templates.dataExportReady}:${request.id}`,
          data: { request_id: request.id, expires_at: request.expires_at },
        },
      ])
      return new StepResponse({ notified: true, failed: false })
    } catch (e) {
      await (container.resolve(AUDIT_MODULE) as AuditModuleService)
        .record([
          {
            actor_type: "system",
            actor_id: null,
            action: "privacy.export_notification_failed",
            target_type: "customer",
            target_id: request.customer_id,
            details: { request_id: request.id, channel: notificationChannel, error: ((e as Error)?.message ?? String(e)).slice(0, 500) },
          },
        ])
        .catch(() => undefined)
      return new StepResponse({ notified: false, failed: true })
    }
  }
)
