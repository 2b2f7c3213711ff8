import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { cancelOrderOnce } from "../../order-flow/steps/cancel-order-once"
import { OMNIFLOW_MODULE, OmniflowModuleService } from "../../../modules/omniflow"
import { unfulfilledOrderIds } from "../unfulfilled-orders"

export type CancelUnfulfilledOrdersInput = { customer_id: string; skip?: boolean }

export const cancelUnfulfilledOrdersStepId = "cancel-unfulfilled-orders-step"

/**
 * Before an erasure takes the customer's addresses away, their orders still to be
 * fulfilled are dealt with as `customerLifecycle.unfulfilledOrders` says: `cancel` cancels
 * each with the order flow's cancellation (core's cancelOrderWorkflow as one keyed effect
 * of the stock ledger: stock back, payment canceled or refunded, audited, never twice);
 * `refuse` fails the run naming them (the routes answer 409 before starting it, so this
 * only catches an order placed in between). The number of orders is known only now, so
 * they are canceled one by one here; an order that is already canceled is not looked at
 * again, so a resumed run cancels nothing twice. A cancellation cannot be undone, so there
 * is no compensation; when core refuses one, the run fails with core's reason.
 */
export const cancelUnfulfilledOrdersStep = createStep(
  cancelUnfulfilledOrdersStepId,
  async ({ customer_id, skip }: CancelUnfulfilledOrdersInput, { container }) => {
    if (skip) {
      return new StepResponse({ canceled: [] as string[] })
    }
    const open = await unfulfilledOrderIds(container, customer_id)
    if (!open.length) {
      return new StepResponse({ canceled: [] as string[] })
    }
    const policy = (container.resolve(OMNIFLOW_MODULE) as OmniflowModuleService).getOptions().customerLifecycle.unfulfilledOrders
    if (policy === "refuse") {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `The customer has orders not fulfilled yet: ${open.join(", ")}`)
    }
    for (const order_id of open) {
      await cancelOrderOnce(container, order_id, "the customer asked to be erased")
    }
    return new StepResponse({ canceled: open })
  }
)
