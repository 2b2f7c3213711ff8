import { MiddlewareRoute } from "@medusajs/framework/http"

/** Routes of onboarding, group changes and the audit trail, with their validators. */
export const customerLifecycleMiddlewares: MiddlewareRoute[] = []
