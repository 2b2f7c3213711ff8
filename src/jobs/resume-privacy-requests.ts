import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService } from "../modules/customer-lifecycle"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../modules/omniflow"
import { withRunOrigin } from "../workflows/flow-runs/run-origin"
import { runPrivacyRequest } from "../workflows/privacy/requests"

const MINUTE_MS = 60 * 1000

/**
 * Continues the exports and erasures whose run was cut off (their process is gone, or
 * nothing moved for `customerLifecycle.resumeAfterMinutes`): each runs its workflow again,
 * which skips the phases already recorded. One request failing does not hold up the
 * others; its failure is saved on it. Returns what happened, per request.
 */
export async function resumePrivacyRequests(container: MedusaContainer) {
  const { resumeAfterMinutes } = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().customerLifecycle
  const service: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const due = await service.listRequestsToResume({ stale_before: new Date(Date.now() - resumeAfterMinutes * MINUTE_MS), limit: 20 })
  const outcomes: { id: string; kind: string; ok: boolean; error?: string }[] = []
  for (const request of due) {
    const outcome = await runPrivacyRequest(container, request)
    if (!outcome.ok) {
      logger.error(`[omniflow] resuming privacy request ${request.id} failed: ${outcome.error}`)
    }
    outcomes.push({ id: request.id, kind: request.kind, ...outcome })
  }
  return outcomes
}

/**
 * Deletes the files of data exports whose link has expired: nobody can download them any
 * more, and a copy of someone's personal data should not outlive its purpose. Returns how
 * many went.
 */
export async function purgeExpiredExports(container: MedusaContainer, now: Date = new Date()) {
  const service: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
  const expired = await service.listPrivacyRequests(
    { kind: "export", file_id: { $ne: null }, expires_at: { $lt: now } } as any,
    { take: 100, order: { expires_at: "ASC" } }
  )
  if (expired.length) {
    await container.resolve(Modules.FILE).deleteFiles(expired.map((r) => r.file_id as string))
    await service.updatePrivacyRequests(expired.map((r) => ({ id: r.id, file_id: null })))
  }
  return expired.length
}

export default async function resumePrivacyRequestsJob(container: MedusaContainer) {
  await withRunOrigin({ trigger: "job", trigger_name: config.name, actor_type: "system" }, () => resumePrivacyRequests(container))
  await purgeExpiredExports(container)
}

export const config = {
  name: "omniflow-resume-privacy-requests",
  schedule: "* * * * *",
}
