import { MiddlewareRoute, validateAndTransformBody } from "@medusajs/framework/http"
import { z } from "@medusajs/framework/zod"
import { FLOW_RUN_STATES, INBOX_STATES } from "../../../modules/flow-runs"
import { jsonObjectBody } from "../../utils/json-body"
import { validatePathIds } from "../../utils/validate-path"
import { NoQueryParams, pageParams, validateQuery } from "../../utils/validators"

export const AdminListFlowRunsParams = z.object({
  workflow_id: z.string().min(1).max(128).optional(),
  state: z.enum([...FLOW_RUN_STATES]).optional(),
  inbox: z.enum([...INBOX_STATES]).optional(),
  subject_id: z.string().min(1).max(128).optional(),
  /** Runs that started at or after / before these instants (ISO 8601). */
  started_after: z.iso.datetime({ offset: true, error: "started_after must be an ISO 8601 date-time" }).optional(),
  started_before: z.iso.datetime({ offset: true, error: "started_before must be an ISO 8601 date-time" }).optional(),
  ...pageParams({ limit: 20, maxLimit: 100 }),
})
export type AdminListFlowRunsParamsType = z.infer<typeof AdminListFlowRunsParams>

export const AdminResolveFlowRun = z.object({
  note: z.string().trim().min(1, { error: "a note is required" }).max(2000),
})
export type AdminResolveFlowRunType = z.infer<typeof AdminResolveFlowRun>

export const AdminFlowMetricsParams = z.object({
  window: z.enum(["1h", "24h", "7d"]).default("24h"),
})
export type AdminFlowMetricsParamsType = z.infer<typeof AdminFlowMetricsParams>

/** The run registry, the inbox and the metrics; Medusa authenticates every /admin route. */
export const flowRunAdminMiddlewares: MiddlewareRoute[] = [
  {
    method: ["GET"],
    matcher: "/admin/omniflow/runs",
    middlewares: [validateQuery(AdminListFlowRunsParams, { defaults: [], isList: true })],
  },
  {
    method: ["GET"],
    matcher: "/admin/omniflow/runs/:id",
    middlewares: [validatePathIds, validateQuery(NoQueryParams)],
  },
  {
    method: ["POST"],
    matcher: "/admin/omniflow/runs/:id/retry",
    bodyParser: false,
    middlewares: [validatePathIds, validateQuery(NoQueryParams), jsonObjectBody, validateAndTransformBody(z.object({}).strict())],
  },
  {
    method: ["POST"],
    matcher: "/admin/omniflow/runs/:id/resolve",
    bodyParser: false,
    middlewares: [validatePathIds, validateQuery(NoQueryParams), jsonObjectBody, validateAndTransformBody(AdminResolveFlowRun)],
  },
  {
    method: ["GET"],
    matcher: "/admin/omniflow/metrics",
    middlewares: [validateQuery(AdminFlowMetricsParams)],
  },
]
