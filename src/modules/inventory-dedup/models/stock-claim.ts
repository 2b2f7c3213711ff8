import { model } from "@medusajs/framework/utils"

/**
 * A checkout's hold on stock between "place order" and core's reservation.
 * held → converted (core reserved it) | released (checkout failed, or it went stale).
 * `lines` is [{ inventory_item_id, quantity, sku }], summed per inventory item.
 */
export const StockClaim = model
  .define("inventory_dedup_claim", {
    id: model.id({ prefix: "iclaim" }).primaryKey(),
    key: model.text().unique(),
    cart_id: model.text(),
    order_id: model.text().nullable(),
    sales_channel_id: model.text().nullable(),
    status: model.enum(["held", "converted", "released"]).default("held"),
    lines: model.json(),
    note: model.text().nullable(),
    /**
     * `admission`: taken when the request arrived, before it queued, and adopted by the
     * completion workflow's hook (`adopted_at`); `checkout`: taken by the hook itself.
     */
    source: model.enum(["admission", "checkout", "direct"]).default("direct"),
    adopted_at: model.dateTime().nullable(),
    /**
     * The server process that took the claim (its advisory-lock key). A held claim whose
     * owner no longer holds its lock belongs to a completion that died with its process.
     */
    owner: model.number().nullable(),
    /** Set when recovery could not give the order all its stock: the shop must look. */
    alert: model.text().nullable(),
  })
  .indexes([
    { on: ["status", "created_at"] },
    { on: ["order_id"] },
    // A cart has at most one live claim: a second concurrent completion of the same cart
    // (another instance, a double click) cannot claim its stock twice.
    { on: ["cart_id"], unique: true, where: "status != 'released' AND deleted_at IS NULL" },
  ])
