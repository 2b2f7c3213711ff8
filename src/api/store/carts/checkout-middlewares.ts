import { MedusaNextFunction, MedusaRequest, MedusaResponse, MiddlewareRoute } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, generateEntityId, MedusaError } from "@medusajs/framework/utils"
import { INVENTORY_DEDUP_MODULE, InventoryDedupModuleService } from "../../../modules/inventory-dedup"
import { ShortageError } from "../../../modules/inventory-dedup/service"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"
import { getCartStockNeeds } from "../../../workflows/checkout-guard/cart-stock-needs"
import { recoverCheckoutWorkflow } from "../../../workflows/inventory-dedup"
import { AdmissionGate } from "./admission"
import { runFlow } from "../../../workflows/flow-runs/run-flow"
import { validatePathIds } from "../../utils/validate-path"

let gate: AdmissionGate | null = null

/**
 * In front of core's `POST /store/carts/:id/complete`. The cart's stock is claimed the
 * moment the request arrives, so a shopper who cannot be served hears it at once — the
 * shortage named — instead of queueing behind the winners; the completion workflow's hook
 * then adopts this claim. The winners pass a bounded queue, so a burst never piles up
 * behind core's 5-second inventory lock. A claim whose request ends without an order is
 * released when the response is sent.
 */
async function checkoutAdmission(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  const options = (req.scope.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().inventoryDedup
  if (!options.checkoutGuard) {
    return next()
  }
  const service: InventoryDedupModuleService = req.scope.resolve(INVENTORY_DEDUP_MODULE)

  let claimId: string | null = null
  const key = `cart:${req.params.id}:admission:${generateEntityId(undefined, "req")}`
  const claim = async (attempt: string) => {
    const needs = await getCartStockNeeds(req.scope, req.params.id)
    if (needs?.lines.length) {
      const { result } = await service.claimStock({ key: `${key}${attempt}`, ...needs, source: "admission" })
      claimId = result.status === "held" ? result.claim_id : null
    }
  }
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
      // Answered here: Medusa's error handler would replace the message with a generic one.
      res.setHeader("Retry-After", "1")
      res.status(409).json({ type: "conflict", code: "checkout_in_progress", message: e.message })
      return
    }
    return next(e)
  }
  const release = (reason: string) =>
    claimId
      ? service.releaseClaim({ key: `${key}:release`, claim_id: claimId, reason }).catch(() => undefined)
      : undefined

  gate ??= new AdmissionGate(options.maxConcurrentCheckouts)
  const leave = await gate.enter(options.checkoutQueueTimeoutSeconds * 1000)
  if (!leave) {
    await release("waited too long for a checkout slot")
    res.setHeader("Retry-After", "5")
    res.status(503).json({
      type: "unexpected_state",
      code: "checkout_busy",
      message: "Too many checkouts at once; your cart is unchanged, please retry in a few seconds.",
    })
    return
  }
  res.once("close", leave)
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
]
