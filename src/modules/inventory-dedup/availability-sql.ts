/**
 * The checkout guard's availability formula, kept in the database as a function so that
 * its plan is cached per connection: planning the statement took four times as long as
 * running it, and a claim runs it while it holds its item's lock.
 *
 * Changing the formula means a new migration that creates the function again
 * (`CREATE OR REPLACE`, see Migration20261122110000).
 */

/**
 * Units of item `i` that a cart completion has to hold before they show up anywhere else.
 * Every unit promised to a buyer is in exactly one of three places, so availability is
 * `stocked − reservation rows − UNRESERVED_LINES_SQL − HELD_CLAIMS_SQL`:
 * - a reservation row (core reserved it);
 * - a live order line that has no reservation for it yet (the completion was cut off
 *   between creating the order and reserving, or is between the two right now);
 * - a held claim, less what the order made from its cart already carries (reserved or
 *   not): counting both would turn buyers away for the instant between the two.
 * Fulfilled quantities are in neither (core took them out of `stocked_quantity`).
 *
 * The reservations are counted as the larger of the reservation rows and the levels'
 * `reserved_quantity`, the figure core checks its own reservation against: should the two
 * ever drift apart (the reconciliation job reports it), a claim the guard grants is still
 * one core can reserve, so the buyer hears `out_of_stock` from the guard rather than
 * core's error after the claim.
 */
const ORDERED_SQL = (orderFilter: string) => `COALESCE((
  SELECT SUM(GREATEST(0, (oi.quantity - oi.fulfilled_quantity) * pvi.required_quantity - COALESCE((
           SELECT SUM(r.quantity) FROM reservation_item r
            WHERE r.line_item_id = li.id AND r.inventory_item_id = i.id AND r.deleted_at IS NULL), 0)))
    FROM product_variant_inventory_item pvi
    JOIN product_variant pv ON pv.id = pvi.variant_id AND pv.manage_inventory = true
    JOIN order_line_item li ON li.variant_id = pvi.variant_id AND li.deleted_at IS NULL
    JOIN order_item oi ON oi.item_id = li.id AND oi.deleted_at IS NULL AND oi.fulfilled_quantity < oi.quantity
    JOIN "order" o ON o.id = oi.order_id AND o.version = oi.version AND o.deleted_at IS NULL
   WHERE pvi.inventory_item_id = i.id AND pvi.deleted_at IS NULL
     AND o.is_draft_order = false AND o.status IN ('pending', 'requires_action')
     AND ${orderFilter}), 0)`

/**
 * An order not linked to its cart yet, and only minutes old, is a completion in progress
 * (or one a crash cut off, not recovered yet): its cart's claim is still held — a claim
 * converts only after the link exists — and counts those units already.
 */
export const UNRESERVED_LINES_SQL = ORDERED_SQL(`(o.created_at < now() - interval '2 minutes'
     OR EXISTS (SELECT 1 FROM order_cart oc WHERE oc.order_id = o.id AND oc.deleted_at IS NULL))`)

const HELD_CLAIMS_SQL = `COALESCE((
  SELECT SUM(GREATEST(0, (line->>'quantity')::numeric - COALESCE((
           SELECT SUM(oi.quantity * pvi.required_quantity)
             FROM order_cart oc
             JOIN "order" o ON o.id = oc.order_id AND o.deleted_at IS NULL
             JOIN order_item oi ON oi.order_id = o.id AND oi.version = o.version AND oi.deleted_at IS NULL
             JOIN order_line_item li ON li.id = oi.item_id
             JOIN product_variant_inventory_item pvi ON pvi.variant_id = li.variant_id AND pvi.deleted_at IS NULL
            WHERE oc.cart_id = c.cart_id AND oc.deleted_at IS NULL AND pvi.inventory_item_id = i.id), 0)))
    FROM inventory_dedup_claim c, jsonb_array_elements(c.lines) line
   WHERE c.status = 'held' AND c.deleted_at IS NULL
     AND line->>'inventory_item_id' = i.id), 0)`

/**
 * `inventory_dedup_available(item_ids, location_ids)`: per inventory item, stocked −
 * reservations − unreserved order lines − what held claims still hold, over the given
 * locations. STABLE, so it reads with the snapshot of the statement calling it: a claim
 * calls it in the statement after the one that took the lock, and sees every claim
 * committed before.
 */
export const AVAILABILITY_FUNCTION_SQL = `
CREATE OR REPLACE FUNCTION inventory_dedup_available(item_ids text[], location_ids text[])
RETURNS TABLE (item_id text, free numeric) LANGUAGE plpgsql STABLE AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT i.id::text,
         (COALESCE((SELECT SUM(l.stocked_quantity) FROM inventory_level l
                     WHERE l.inventory_item_id = i.id AND l.location_id = ANY(location_ids)
                       AND l.deleted_at IS NULL), 0)
        - GREATEST(
            COALESCE((SELECT SUM(r.quantity) FROM reservation_item r
                       WHERE r.inventory_item_id = i.id AND r.location_id = ANY(location_ids)
                         AND r.deleted_at IS NULL), 0),
            COALESCE((SELECT SUM(l.reserved_quantity) FROM inventory_level l
                       WHERE l.inventory_item_id = i.id AND l.location_id = ANY(location_ids)
                         AND l.deleted_at IS NULL), 0))
        - ${UNRESERVED_LINES_SQL}
        - ${HELD_CLAIMS_SQL})::numeric
    FROM inventory_item i
   WHERE i.id = ANY(item_ids);
END
$fn$`

export const DROP_AVAILABILITY_FUNCTION_SQL = `DROP FUNCTION IF EXISTS inventory_dedup_available(text[], text[])`
