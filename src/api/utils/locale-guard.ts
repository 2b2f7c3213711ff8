import { ApiLoader, applyLocale, MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"

/**
 * Why a `?locale=` value would break core's locale middleware, or null when it would not.
 * Core's `applyLocale` calls `locale.split("-")`: a repeated (`locale=a&locale=b`), array
 * (`locale[]=a`) or object (`locale[$ne]=x`) value throws there.
 */
export function localeProblem(value: unknown): string | null {
  if (value === undefined || typeof value === "string") return null
  return "locale must be given once, as a language tag such as en-US"
}

/**
 * Core's `applyLocale`, except that a `locale` it cannot read is a 400 naming it.
 *
 * Core registers `applyLocale` with `app.use("/store", …)` before every route and
 * middleware of `src/api/middlewares.ts` (framework `ApiLoader.load()`: body parser,
 * CORS, publishable key, **locale**, store auth, then the sorted app middlewares and
 * routes). It is an async function outside Medusa's `wrapHandler`, so its `TypeError`
 * becomes an unhandled rejection and the request never gets an answer; no route middleware
 * can run before it.
 */
export function guardedApplyLocale(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  const problem = localeProblem(req.query?.locale)
  if (problem) {
    return next(new MedusaError(MedusaError.Types.INVALID_DATA, `Invalid request: ${problem}`))
  }
  // Anything else core's middleware throws becomes an error answer, not a request left hanging.
  return Promise.resolve(applyLocale(req, res, next)).catch(next)
}

const INSTALLED = Symbol.for("omniflow.locale-guard")

/**
 * Puts `guardedApplyLocale` in the place of core's `applyLocale`, through the one hook the
 * framework offers before that registration: `ApiLoader.traceMiddleware`, which the loader
 * calls for each middleware it registers (OpenTelemetry instrumentation uses it too; a
 * tracer set before this runs is kept and wraps the result). Every other middleware is
 * passed through untouched.
 *
 * Must run while `src/api/middlewares.ts` is imported: the loader imports middleware files
 * before it registers `applyLocale`.
 */
export function installLocaleGuard() {
  const hooks = ApiLoader as typeof ApiLoader & { [INSTALLED]?: boolean }
  if (hooks[INSTALLED]) {
    return
  }
  const tracer = ApiLoader.traceMiddleware
  ApiLoader.traceMiddleware = (handler, route) => {
    const guarded = handler === applyLocale ? guardedApplyLocale : handler
    return tracer ? tracer(guarded, route) : guarded
  }
  hooks[INSTALLED] = true
}
