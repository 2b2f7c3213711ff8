import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService } from "../../../../../modules/customer-lifecycle"

/**
 * The logged-in customer's own lifecycle: their onboarding and their data exports and
 * erasure requests (Medusa authenticates every `/store/customers/me` route as a customer).
 */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const customerId = req.auth_context.actor_id
  const service: CustomerLifecycleModuleService = req.scope.resolve(CUSTOMER_LIFECYCLE_MODULE)
  const [onboarding] = await service.listOnboardings({ customer_id: customerId })
  const requests = await service.listPrivacyRequests(
    { customer_id: customerId },
    { order: { created_at: "DESC" }, take: 50 }
  )
  res.json({
    omniflow: {
      onboarding: onboarding
        ? {
            state: onboarding.state,
            group_id: onboarding.group_id,
            locale: onboarding.locale,
            completed_at: onboarding.completed_at,
          }
        : null,
      privacy_requests: requests.map((r) => ({
        id: r.id,
        kind: r.kind,
        state: r.state,
        phases: r.phases ?? [],
        created_at: r.created_at,
        completed_at: r.completed_at,
        expires_at: r.expires_at,
        download_url:
          r.kind === "export" && r.state === "completed" && r.expires_at && new Date(r.expires_at) > new Date()
            ? `/store/customers/me/data-export/${r.id}/download`
            : null,
      })),
    },
  })
}
