import { AbstractFulfillmentProviderService } from "@medusajs/framework/utils"
import {
  CalculatedShippingOptionPrice,
  CreateFulfillmentResult,
  FulfillmentOption,
} from "@medusajs/framework/types"

/**
 * Keys of a shipping option's `data` that make this provider fail. Core copies the option's
 * data into the cart's shipping method (through validateFulfillmentData) and from there
 * into every fulfilment created for the order, so a test chooses where shipping breaks by
 * creating a shipping option, without touching any service in memory.
 */
export type FailingFulfillmentData = {
  /** Fulfilments at these stock locations fail. */
  fail_at_location_ids?: string[]
  /** The error they fail with. */
  fail_message?: string
  /** The carrier is back at this time (ISO): fulfilments after it succeed. Unset: down for good. */
  fail_until?: string | null
}

/**
 * A test-only fulfilment provider: ships like the manual provider, except at the stock
 * locations its shipping option names, where `createFulfillment` throws as a carrier whose
 * API is down would. Registered only when `OMNIFLOW_TEST_PROVIDERS=true` (medusa-config.ts).
 */
export class FailingFulfillmentProviderService extends AbstractFulfillmentProviderService {
  static identifier = "omniflow-test-fulfillment"

  async getFulfillmentOptions(): Promise<FulfillmentOption[]> {
    return [{ id: "omniflow-test" }, { id: "omniflow-test-return", is_return: true }]
  }

  async validateOption(): Promise<boolean> {
    return true
  }

  async validateFulfillmentData(optionData: Record<string, unknown>, data: Record<string, unknown>): Promise<any> {
    const { fail_at_location_ids, fail_message, fail_until } = optionData as FailingFulfillmentData
    return { ...data, fail_at_location_ids: fail_at_location_ids ?? [], fail_message: fail_message ?? null, fail_until: fail_until ?? null }
  }

  async canCalculate(): Promise<boolean> {
    return false
  }

  async calculatePrice(): Promise<CalculatedShippingOptionPrice> {
    throw new Error("omniflow-test-fulfillment does not calculate prices")
  }

  async createFulfillment(
    data: Record<string, unknown>,
    _items: unknown[],
    _order: unknown,
    fulfillment: { location_id?: string | null }
  ): Promise<CreateFulfillmentResult> {
    const { fail_at_location_ids = [], fail_message, fail_until } = data as FailingFulfillmentData
    const down = !fail_until || Date.now() < Date.parse(fail_until)
    if (down && fulfillment.location_id && fail_at_location_ids.includes(fulfillment.location_id)) {
      throw new Error(fail_message || `omniflow-test-fulfillment refuses location ${fulfillment.location_id}`)
    }
    return { data: { shipped_by: FailingFulfillmentProviderService.identifier }, labels: [] }
  }

  async cancelFulfillment(): Promise<any> {
    return {}
  }

  async createReturnFulfillment(): Promise<CreateFulfillmentResult> {
    return { data: {}, labels: [] }
  }
}
