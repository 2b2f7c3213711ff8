import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService, phaseDone } from "../../../modules/customer-lifecycle"
import { ErasureSubject, pgOf } from "../personal-data"

export type ErasurePhaseInput = { request_id: string; customer_id: string }

export const revokeCustomerAccessStepId = "revoke-customer-access-step"

/**
 * Erasure phase `revoke`: nobody can act as the customer any more. Their auth identities
 * are deleted (with their provider identities, which hold the email as the login name),
 * so logging in fails from now on; an identity shared with an admin user keeps the user
 * and only loses the customer. Their open carts are emptied. Done once: a resumed run
 * that finds the phase recorded does nothing. Access taken away is not given back, so
 * there is no compensation.
 */
export const revokeCustomerAccessStep = createStep(
  revokeCustomerAccessStepId,
  async ({ request_id, customer_id }: ErasurePhaseInput, { container }) => {
    const requests: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    const request = await requests.retrievePrivacyRequest(request_id)
    if (phaseDone(request, "revoke")) {
      return new StepResponse({ skipped: true })
    }
    const subject = (request.subject ?? {}) as ErasureSubject
    const auth = container.resolve(Modules.AUTH)
    const byCustomer = await auth.listAuthIdentities({ app_metadata: { customer_id } } as any)
    const byLogin = subject.email
      ? await auth.listProviderIdentities({ entity_id: subject.email.trim().toLowerCase() } as any)
      : []
    const identityIds = [...new Set([...byCustomer.map((i) => i.id), ...byLogin.map((p: any) => p.auth_identity_id as string)])]
    const identities = identityIds.length ? await auth.listAuthIdentities({ id: identityIds }) : []
    const toDelete: string[] = []
    for (const identity of identities) {
      const { customer_id: _own, ...others } = (identity.app_metadata ?? {}) as Record<string, unknown>
      const otherActor = Object.entries(others).some(([k, v]) => k.endsWith("_id") && v)
      if (otherActor) {
        await auth.updateAuthIdentities({ id: identity.id, app_metadata: others })
      } else {
        toDelete.push(identity.id)
      }
    }
    if (toDelete.length) {
      await auth.deleteAuthIdentities(toDelete)
    }

    const { rows: openCarts } = await pgOf(container).raw(
      `SELECT id FROM cart WHERE customer_id = ? AND completed_at IS NULL AND deleted_at IS NULL`,
      [customer_id]
    )
    const cartModule = container.resolve(Modules.CART)
    const items = openCarts.length ? await cartModule.listLineItems({ cart_id: openCarts.map((c) => c.id) }) : []
    if (items.length) {
      await cartModule.deleteLineItems(items.map((i) => i.id))
    }
    const counts = { auth_identities: identities.length, open_carts: openCarts.length, cart_items: items.length }
    await requests.finishPhase(request_id, "revoke", { counts: { revoked: counts } })
    return new StepResponse({ skipped: false, ...counts })
  }
)
