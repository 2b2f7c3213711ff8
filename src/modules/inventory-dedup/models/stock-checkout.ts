import { model } from "@medusajs/framework/utils"

/**
 * A checkout answered at arrival (`Prefer: respond-async`): the buyer was told `202` as
 * soon as the cart's stock was claimed, and the order is placed in the background.
 * claimed → placed (the order exists) | failed (the reason; the claim released).
 */
export const StockCheckout = model
  .define("inventory_dedup_checkout", {
    id: model.id({ prefix: "chk" }).primaryKey(),
    cart_id: model.text(),
    claim_id: model.text().nullable(),
    /** The cart's customer when the checkout began: only they may read it (guests: whoever knows its id). */
    customer_id: model.text().nullable(),
    state: model.enum(["claimed", "placed", "failed"]).default("claimed"),
    order_id: model.text().nullable(),
    error: model.text().nullable(),
    /** Medusa's error type of a failed completion (e.g. `payment_authorization_error`). */
    error_type: model.text().nullable(),
    /** The server process completing it (its advisory-lock key); a dead owner's checkout is resumed. */
    owner: model.number().nullable(),
    settled_at: model.dateTime().nullable(),
  })
  .indexes([
    // One checkout in progress per cart: a second `respond-async` submission gets the first.
    { on: ["cart_id"], unique: true, where: "state = 'claimed' AND deleted_at IS NULL" },
    { on: ["state", "created_at"] },
  ])
