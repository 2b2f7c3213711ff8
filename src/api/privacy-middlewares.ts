import { MiddlewareRoute } from "@medusajs/framework/http"

/** Routes of data exports and erasures (store and admin), with their validators. */
export const privacyMiddlewares: MiddlewareRoute[] = []
