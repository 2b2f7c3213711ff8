import { MedusaNextFunction, MedusaRequest, MedusaResponse, MiddlewareRoute } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, generateEntityId, MedusaError } from "@medusajs/framework/utils"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"
import { ShortageError } from "../../../modules/inventory-dedup/service"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"
import { recoverCheckoutWorkflow } from "../../../workflows/inventory-dedup"
import { completeCheckoutWorkflow } from "../../../workflows/checkout-guard/complete-checkout"
import { AdmissionGate } from "./admission"
import { admissionGate, checkoutLocation, prefersRespondAsync, presentCheckout, retryAfterSeconds } from "./async-checkout"
import { runFlow } from "../../../workflows/flow-runs/run-flow"
import { validatePathIds } from "../../utils/validate-path"
import { NoQueryParams, validateQuery } from "../../utils/validators"

/**
 * How long a completion gives way to claims being decided (a burst's losers are answered
 * first); bounded, so a steady stream of arrivals never stalls the orders.
 */
const CLAIMS_FIRST_MAX_MS = 1000

/**
 * In front of core's `POST /store/carts/:id/complete`. The cart's stock is claimed the
 * moment the request arrives, so a shopper who cannot be served hears it at once — the
 * shortage named — instead of queueing behind the winners; the completion workflow's hook
 * then adopts this claim. The winners pass a bounded queue, so a burst never piles up
 * behind core's 5-second inventory lock. A claim whose request ends without an order is
 * released when the response is sent.
 *
 * A request that would wait in the queue longer than `checkoutQueueTimeoutSeconds` (by
 * the queue's length and the measured completion time) is told so at once: `503` with a
 * `Retry-After` that books its turn after everyone told before it (see
 * `AdmissionGate.retryAfterMs`), its claim released.
 *
 * A storefront that sends `Prefer: respond-async` is answered as soon as its claim is
 * held: `202` with the checkout, a `Location` to poll and a `Retry-After` estimate; the
 * order is then placed in the background at the server's pace (see
 * `completeCheckoutWorkflow`). Other `Prefer` values are ignored.
 */
async function checkoutAdmission(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  const options = (req.scope.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().inventoryDedup
  if (!options.checkoutGuard) {
    return next()
  }
  const service: InventoryDedupModuleService = req.scope.resolve(INVENTORY_DEDUP_MODULE)
  const respondAsync = prefersRespondAsync(req.headers.prefer)

  const gate = admissionGate(options.maxConcurrentCheckouts)
  const timeoutMs = options.checkoutQueueTimeoutSeconds * 1000
  if (!respondAsync) {
    // Before anything else: a request that would wait past the timeout is told so at once.
    const expected = gate.expectedWaitMs()
    if (expected !== null && expected > timeoutMs) {
      return checkoutBusy(res, gate)
    }
  }

  let claimId: string | null = null
  // A logged-in customer's cart: only they may read its `respond-async` checkout.
  let customerId: string | null = null
  const key = `cart:${req.params.id}:admission:${generateEntityId(undefined, "req")}`
  const claim = async (attempt: string) => {
    const needs = await service.readCartStockNeeds(req.params.id)
    customerId = needs?.customer_id ?? null
    if (needs?.lines.length) {
      const { customer_id, ...stock } = needs
      const { result } = await service.claimStock({ key: `${key}${attempt}`, ...stock, source: "admission" })
      claimId = result.status === "held" ? result.claim_id : null
    }
  }
  const decided = gate.arrive()
  try {
    try {
      await claim("")
    } catch (e) {
      if (!(e instanceof MedusaError && e.type === MedusaError.Types.CONFLICT)) {
        throw e
      }
      // The cart's claim is held. If the completion holding it died with its process, the
      // buyer's retry finishes it: the order it created is returned by core (never a second
      // one), or — if it never got that far — the cart is claimed afresh.
      const recovered = await recoverDeadCompletion(req, options.staleClaimMinutes)
      if (recovered === "converted") {
        return next()
      }
      if (recovered !== "released") {
        throw e
      }
      await claim(":after-recovery")
    }
  } catch (e) {
    if (e instanceof ShortageError) {
      res.status(400).json({
        type: "not_allowed",
        code: "out_of_stock",
        message: e.message,
        shortages: e.shortages.map(({ might_settle, ...s }) => s),
      })
      return
    }
    if (e instanceof MedusaError && e.type === MedusaError.Types.CONFLICT) {
      // A storefront submitting its `respond-async` checkout again gets the one in progress.
      const open = respondAsync ? await service.findOpenCheckout(req.params.id) : null
      if (open) {
        return acceptCheckout(res, open, gate)
      }
      // Answered here: Medusa's error handler would replace the message with a generic one.
      res.setHeader("Retry-After", "1")
      res.status(409).json({ type: "conflict", code: "checkout_in_progress", message: e.message })
      return
    }
    return next(e)
  } finally {
    decided()
  }
  const release = (reason: string) =>
    claimId
      ? service.releaseClaim({ key: `${key}:release`, claim_id: claimId, reason }).catch(() => undefined)
      : undefined

  if (respondAsync) {
    const { checkout, created } = await service.openCheckout({ cart_id: req.params.id, claim_id: claimId, customer_id: customerId })
    if (created) {
      void completeInBackground(req.scope, gate, checkout)
    } else {
      await release("the cart's checkout is already in progress")
    }
    return acceptCheckout(res, checkout, gate)
  }

  const leave = await gate.enter(timeoutMs)
  if (!leave) {
    await release("waited too long for a checkout slot")
    return checkoutBusy(res, gate)
  }
  res.once("close", leave)
  await gate.quiet(CLAIMS_FIRST_MAX_MS)
  // A failed completion released an adopted claim in its compensation; one that failed
  // before adopting it (the cart was not ready) leaves it to this. An aborted connection
  // is left alone: its workflow may still be running, and reconciliation settles the rest.
  res.once("finish", () => {
    leave()
    if (res.statusCode !== 200) {
      void release("checkout ended without an order")
    }
  })
  next()
}

/** `503` with the turn booked for the buyer, as `Retry-After`; the cart is untouched. */
function checkoutBusy(res: MedusaResponse, gate: AdmissionGate) {
  res.setHeader("Retry-After", String(Math.max(1, Math.ceil(gate.retryAfterMs() / 1000))))
  res.status(503).json({
    type: "unexpected_state",
    code: "checkout_busy",
    message: "Too many checkouts at once; your cart is unchanged, please retry after the time in Retry-After.",
  })
}

/** `202 Accepted` with the checkout, where to poll it and when to look. */
function acceptCheckout(res: MedusaResponse, checkout: any, gate: AdmissionGate) {
  res.setHeader("Preference-Applied", "respond-async")
  res.setHeader("Location", checkoutLocation(checkout.id))
  res.setHeader("Retry-After", String(retryAfterSeconds(gate)))
  res.status(202).json({ checkout: presentCheckout(checkout) })
}

/**
 * Places an accepted checkout's order once a place in the queue is free (it waits as
 * long as it takes: the buyer already has their answer). The run is recorded with the
 * request's origin; a failure of the run itself leaves the checkout `claimed` for the
 * resume job, and waits in the Flows inbox.
 */
async function completeInBackground(scope: MedusaRequest["scope"], admission: AdmissionGate, checkout: { id: string; cart_id: string }) {
  const leave = await admission.enter(Infinity)
  try {
    await admission.quiet(CLAIMS_FIRST_MAX_MS)
    await runFlow(scope, completeCheckoutWorkflow, { checkout_id: checkout.id }, { subject_type: "cart", subject_id: checkout.cart_id })
  } catch (e) {
    scope.resolve(ContainerRegistrationKeys.LOGGER).warn(`[omniflow] completing checkout ${checkout.id} failed: ${(e as Error).message}`)
  } finally {
    leave?.()
  }
}

/** Recovers the cart's completion if its owner process is gone; null when it is alive. */
async function recoverDeadCompletion(req: MedusaRequest, staleMinutes: number): Promise<string | null> {
  const service: InventoryDedupModuleService = req.scope.resolve(INVENTORY_DEDUP_MODULE)
  const abandoned = await service.listClaimsToRecover({ stale_minutes: staleMinutes, cart_id: req.params.id })
  if (!abandoned.length) {
    return null
  }
  try {
    const { result } = await runFlow(req.scope, recoverCheckoutWorkflow, { cart_id: req.params.id, stale_minutes: staleMinutes })
    return result.claim
  } catch (e) {
    // E.g. the dead process's cart lock has not expired yet (Redis locking): the buyer is
    // told to retry shortly, and reconciliation finishes the recovery meanwhile.
    req.scope
      .resolve(ContainerRegistrationKeys.LOGGER)
      .warn(`[omniflow] recovering the completion of cart ${req.params.id} failed: ${(e as Error).message}`)
    return null
  }
}

export const checkoutMiddlewares: MiddlewareRoute[] = [
  {
    method: ["POST"],
    matcher: "/store/carts/:id/complete",
    middlewares: [validatePathIds, checkoutAdmission],
  },
  {
    method: ["GET"],
    matcher: "/store/omniflow/checkouts/:id",
    middlewares: [validatePathIds, validateQuery(NoQueryParams)],
  },
]
