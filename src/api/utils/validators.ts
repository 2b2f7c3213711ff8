import { MedusaNextFunction, MedusaRequest, MedusaResponse, validateAndTransformQuery } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { idProblem } from "./validate-path"

/**
 * Zod pieces shared by OmniFlow's query validators (Medusa's zod, so Medusa's
 * `validateAndTransformQuery` / `validateAndTransformBody` word the 400s and name the field).
 */

/**
 * A whole number in a query string, from `min` to `max`. Digits only: `1e400`, `2.5` or
 * `-1` are refused rather than coerced, and anything past `max` (at most 2^53 − 1, beyond
 * which numbers lose precision) is too big.
 */
export const wholeNumber = (name: string, { min, max }: { min: number; max: number }) =>
  z
    .string()
    .regex(/^\d+$/, { error: `${name} must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(z.number().min(min).max(max))

/** `limit` (1…`maxLimit`, default `limit`) and `offset` (0…2^53 − 1, default 0). */
export const pageParams = ({ limit, maxLimit }: { limit: number; maxLimit: number }) => ({
  limit: wholeNumber("limit", { min: 1, max: maxLimit }).default(limit),
  offset: wholeNumber("offset", { min: 0, max: Number.MAX_SAFE_INTEGER }).default(0),
})

/** An id given in the query (`cart_id`, `region_id`): the same rule as an id in the path. */
export const idParam = (name: string) =>
  z.string().superRefine((value, ctx) => {
    const problem = idProblem(value)
    if (problem) {
      ctx.addIssue({ code: "custom", message: `${name} ${problem}` })
    }
  })

/** For routes that take no query parameters: any parameter is a 400 naming it. */
export const NoQueryParams = z.object({})

/**
 * Medusa's `validateAndTransformQuery`, except that a key nested deeper than it reads
 * (`?a.b.c=1`) is a 400 like any other bad parameter: Medusa raises it as `invalid_argument`,
 * which its error handler answers with a 500.
 */
export function validateQuery(
  schema: Parameters<typeof validateAndTransformQuery>[0],
  queryConfig: Parameters<typeof validateAndTransformQuery>[1] = { defaults: [], isList: false }
) {
  const validate = validateAndTransformQuery(schema, queryConfig)
  return async function validateQuery(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
    await validate(req, res, (err?: unknown) =>
      next(
        err instanceof MedusaError && err.type === MedusaError.Types.INVALID_ARGUMENT
          ? new MedusaError(MedusaError.Types.INVALID_DATA, `Invalid request: ${err.message}`)
          : err
      )
    )
  }
}
