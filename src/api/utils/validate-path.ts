import {
  errorHandler,
  MedusaErrorHandlerFunction,
  MedusaNextFunction,
  MedusaRequest,
  MedusaResponse,
  MiddlewareRoute,
} from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"

/** Longest id a path or query may carry. Medusa's own ids are about 30 characters. */
export const MAX_ID_LENGTH = 128
/** How much of an id a message repeats before "…". */
const ECHO_LENGTH = 64
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/

/** An id as a message may repeat it: at most 64 characters, then "…". */
export function echoId(id: string): string {
  return id.length > ECHO_LENGTH ? `${id.slice(0, ECHO_LENGTH)}…` : id
}

/**
 * Why `value` cannot be an id, or null when it could be one. Postgres rejects a NUL byte in
 * text with an error (a 500), so that is refused here, with the other control characters.
 */
export function idProblem(value: string): string | null {
  if (!value.length) return "must not be empty"
  if (value.length > MAX_ID_LENGTH) return `must be at most ${MAX_ID_LENGTH} characters`
  if (CONTROL_CHARACTER.test(value)) return "must not contain control characters (such as %00)"
  return null
}

/**
 * Checks every path parameter of the matched route (`:id`, as Express decoded it): an id
 * that cannot exist is a 400 naming the parameter, before any query sees it. Put it first
 * in the route's middlewares, e.g. `{ matcher: "/store/carts/:id/complete", middlewares:
 * [validatePathIds, …] }`.
 *
 * A malformed escape (a lone `%`) never gets here: Express fails to decode it while matching
 * the route. `pathDecodingErrorHandler` answers those.
 */
export function validatePathIds(req: MedusaRequest, _res: MedusaResponse, next: MedusaNextFunction) {
  for (const [name, value] of Object.entries(req.params ?? {})) {
    const problem = typeof value === "string" ? idProblem(value) : null
    if (problem) {
      return next(new MedusaError(MedusaError.Types.INVALID_DATA, `Invalid request: ${name} ${problem}`))
    }
  }
  next()
}

const segmentsOf = (path: string) => path.split("/").filter(Boolean)

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment)
    return true
  } catch {
    return false
  }
}

/**
 * The name of the parameter in `path` that is not valid percent-encoding, read from the
 * first route pattern (`/admin/orders/:id/omniflow`) the path fits; "path" when none fits.
 */
export function undecodableParameter(path: string, patterns: string[]): string {
  const raw = segmentsOf(path)
  for (const pattern of patterns) {
    const parts = segmentsOf(pattern)
    const fits =
      parts.length === raw.length &&
      parts.every((part, i) => part.startsWith(":") || part.toLowerCase() === raw[i].toLowerCase())
    if (!fits) continue
    const bad = parts.findIndex((part, i) => part.startsWith(":") && !decodes(raw[i]))
    if (bad >= 0) return parts[bad].slice(1)
  }
  return "path"
}

/**
 * Medusa's error handler, except for a path Express could not decode (a lone or malformed
 * `%`): Express raises a `URIError` while matching routes — in core's `/admin*` middleware
 * for every admin path — before any route middleware runs, and Medusa answers it with a 500.
 * Here it is a 400 naming the parameter of the route the path was meant for (`routes`: the
 * app's middleware entries), without repeating the raw value.
 */
export function pathDecodingErrorHandler(routes: MiddlewareRoute[]): MedusaErrorHandlerFunction {
  const medusaErrorHandler = errorHandler()
  const patterns = routes.map((r) => r.matcher).filter((m): m is string => typeof m === "string" && m.includes("/:"))
  // Express tells error handlers from middlewares by their four parameters.
  return function omniflowErrorHandler(err: unknown, req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
    if (err instanceof URIError && (err as URIError & { status?: number }).status === 400) {
      const name = undecodableParameter(req.path, patterns)
      err = new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `Invalid request: ${name} is not valid percent-encoding (a lone or malformed %)`
      )
    }
    return medusaErrorHandler(err, req, res, next)
  }
}
