import { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"

/**
 * In front of core's `POST /store/customers`: the locale the storefront registered the
 * customer in (Medusa reads it from `?locale=` or the `x-medusa-locale` header) is kept in
 * the new customer's `metadata.locale`, unless the storefront set one itself, so the
 * onboarding — which runs later, from the event — gives them that locale.
 */
export function rememberRegistrationLocale(req: MedusaRequest, _res: MedusaResponse, next: MedusaNextFunction) {
  const locale = (req as MedusaRequest & { locale?: string }).locale
  // Core may have validated the body already (its middlewares come first); the route reads
  // the validated copy.
  for (const body of [req.body, (req as MedusaRequest & { validatedBody?: unknown }).validatedBody]) {
    if (locale && body && typeof body === "object" && !Array.isArray(body)) {
      const target = body as { metadata?: Record<string, unknown> | null }
      const metadata = target.metadata && typeof target.metadata === "object" ? target.metadata : {}
      if (metadata.locale === undefined) {
        target.metadata = { ...metadata, locale }
      }
    }
  }
  next()
}
