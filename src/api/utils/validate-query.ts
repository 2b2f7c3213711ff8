import { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"

/** "field: message; other: message" — what a 400 says, so the caller knows what to fix. */
export function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      if (i.code === "unrecognized_keys") return `unknown parameter ${i.keys.join(", ")}`
      return i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message
    })
    .join("; ")
}

/** Parses `req.query` with `schema` into `req.validatedQuery`, or answers 400 naming the field. */
export function validateQuery(schema: z.ZodTypeAny) {
  return (req: MedusaRequest, _res: MedusaResponse, next: MedusaNextFunction) => {
    const parsed = schema.safeParse(req.query)
    if (!parsed.success) {
      return next(new MedusaError(MedusaError.Types.INVALID_DATA, `Invalid request: ${describeZodIssues(parsed.error)}`))
    }
    req.validatedQuery = parsed.data
    next()
  }
}

/** Parses `req.body` with `schema` into `req.validatedBody`, or answers 400 naming the field. */
export function validateBody(schema: z.ZodTypeAny) {
  return (req: MedusaRequest, _res: MedusaResponse, next: MedusaNextFunction) => {
    const parsed = schema.safeParse(req.body ?? {})
    if (!parsed.success) {
      return next(new MedusaError(MedusaError.Types.INVALID_DATA, `Invalid request: ${describeZodIssues(parsed.error)}`))
    }
    req.validatedBody = parsed.data
    next()
  }
}
