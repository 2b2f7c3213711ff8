export type ClaimLineInput = {
  inventory_item_id: string
  quantity: number
  /** For messages: the SKU a shopper recognises. */
  sku?: string | null
}

export type ClaimStockInput = {
  /** Ledger key of this effect: replaying it returns the first result. */
  key: string
  cart_id: string
  sales_channel_id?: string | null
  /** Stock locations whose stock may serve the claim (the sales channel's). */
  location_ids: string[]
  lines: ClaimLineInput[]
  /** Who takes it: the checkout queue on arrival, the completion workflow, or a direct call. */
  source?: "admission" | "checkout" | "direct"
}

/** What completing a cart will reserve, and where core may reserve it from. */
export type CartStockNeeds = {
  cart_id: string
  sales_channel_id: string | null
  location_ids: string[]
  lines: ClaimLineInput[]
}

export type ClaimStockResult = {
  claim_id: string | null
  cart_id: string
  status: "held" | "converted" | "none"
  lines: ClaimLineInput[]
}

export type Shortage = {
  inventory_item_id: string
  sku: string | null
  requested: number
  available: number
}

export type EffectOutcome<T> = { result: T; replayed: boolean }
