import {
  authenticate,
  MedusaNextFunction,
  MedusaRequest,
  MedusaResponse,
  MiddlewareRoute,
  prepareRetrieveQuery,
} from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { defaultStoreProductFields } from "@medusajs/medusa/api/store/products/query-config"
import {
  normalizeDataForContext,
  setPricingContext,
  setTaxContext,
} from "@medusajs/medusa/api/utils/middlewares/products/index"
import { z } from "zod"
import { describeZodIssues } from "../utils/validate-query"

export const StoreRecommendationsParams = z
  .object({
    limit: z.coerce
      .number({ invalid_type_error: "Expected an integer from 1 to 50" })
      .int()
      .min(1)
      .max(50)
      .default(10),
    region_id: z.string().min(1).optional(),
    country_code: z.string().min(2).optional(),
    in_stock: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional(),
  })
  .strict()

// The store product list's default fields, in the form Query expects ("*variants" → "variants.*").
let storeProductFields: Promise<string[]> | undefined
const productFields = () =>
  (storeProductFields ??= prepareRetrieveQuery(
    {},
    { defaults: defaultStoreProductFields, isList: false }
  ).then((c) => c.remoteQueryConfig.fields as string[]))

/**
 * Validates the query and prepares what Medusa's own pricing middlewares expect, so the
 * recommended products carry the same fields and calculated prices as the store product list.
 */
async function validateRecommendationsQuery(
  req: MedusaRequest,
  _res: MedusaResponse,
  next: MedusaNextFunction
) {
  const parsed = StoreRecommendationsParams.safeParse(req.query)
  if (!parsed.success) {
    return next(new MedusaError(MedusaError.Types.INVALID_DATA, `Invalid request: ${describeZodIssues(parsed.error)}`))
  }
  const { region_id, country_code } = parsed.data
  req.validatedQuery = parsed.data
  req.filterableFields = {
    ...(region_id ? { region_id } : {}),
    ...(country_code ? { country_code } : {}),
  }
  req.queryConfig = { fields: [...(await productFields())], pagination: {} } as MedusaRequest["queryConfig"]
  next()
}

const withPrices = [normalizeDataForContext(), setPricingContext(), setTaxContext()]

export const recommendationMiddlewares: MiddlewareRoute[] = [
  {
    method: ["GET"],
    matcher: "/store/products/:id/recommendations",
    middlewares: [
      // Optional login: a logged-in customer's group prices apply.
      authenticate("customer", ["session", "bearer"], { allowUnauthenticated: true }),
      validateRecommendationsQuery,
      ...withPrices,
    ],
  },
  {
    method: ["GET"],
    matcher: "/store/customers/me/recommendations",
    middlewares: [
      authenticate("customer", ["session", "bearer"]),
      validateRecommendationsQuery,
      ...withPrices,
    ],
  },
]
