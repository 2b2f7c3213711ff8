import { getAuthContextFromJwtToken, MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, FeatureFlag } from "@medusajs/framework/utils"

type AuthContext = { actor_id?: string; actor_type?: string; app_metadata?: Record<string, unknown> }

/**
 * Medusa (2.21, RBAC on) copies a user's roles into their token and session when they log
 * in, and checks permissions against that copy: a role taken away keeps working for every
 * token and session issued before, until they expire. So, before any admin route checks
 * permissions, this compares the roles a request carries with the user's roles in the
 * database:
 * - a cookie session is brought up to date in place (the session lives on the server), so
 *   the request is judged by the user's current roles;
 * - a bearer token carrying a role the user no longer has is refused with 401
 *   `roles_changed`: the client refreshes it (`POST /auth/token/refresh`) or logs in again.
 * A role added later needs no action: the old credential simply lacks it until renewed.
 * Inert when the RBAC feature flag is off.
 */
export async function enforceCurrentRoles(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  if (!FeatureFlag.isFeatureEnabled("rbac")) {
    return next()
  }
  const session = (req as MedusaRequest & { session?: { auth_context?: AuthContext } }).session
  const fromSession = session?.auth_context?.actor_type === "user" ? session.auth_context : null
  const context: AuthContext | null = fromSession ?? bearerContext(req)
  const carried = (context?.app_metadata?.roles ?? []) as string[]
  if (!context?.actor_id || context.actor_type !== "user" || !carried.length) {
    return next()
  }
  const current = await currentRoleIds(req, context.actor_id)
  if (carried.every((role) => current.includes(role))) {
    return next()
  }
  if (fromSession) {
    fromSession.app_metadata = { ...(fromSession.app_metadata ?? {}), roles: current }
    const authenticated = (req as MedusaRequest & { auth_context?: AuthContext }).auth_context
    if (authenticated && authenticated !== fromSession) {
      authenticated.app_metadata = { ...(authenticated.app_metadata ?? {}), roles: current }
    }
    return next()
  }
  res.status(401).json({
    type: "unauthorized",
    code: "roles_changed",
    message: "Your roles have changed since this token was issued: refresh it (POST /auth/token/refresh) or log in again.",
  })
}

function bearerContext(req: MedusaRequest): AuthContext | null {
  const { http } = req.scope.resolve(ContainerRegistrationKeys.CONFIG_MODULE).projectConfig
  return getAuthContextFromJwtToken(
    req.headers.authorization,
    http.jwtSecret as string,
    ["bearer"],
    ["user"],
    (http as any).jwtPublicKey,
    (http as any).jwtVerifyOptions ?? (http as any).jwtOptions,
    req.scope.resolve(ContainerRegistrationKeys.LOGGER)
  ) as AuthContext | null
}

async function currentRoleIds(req: MedusaRequest, userId: string): Promise<string[]> {
  const { data } = await req.scope.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "user",
    fields: ["id", "rbac_roles.id"],
    filters: { id: userId },
  })
  return ((data[0] as any)?.rbac_roles ?? []).filter(Boolean).map((r: any) => r.id as string)
}
