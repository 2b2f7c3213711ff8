import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys, MathBN, MedusaError, Modules } from "@medusajs/framework/utils"
import { MedusaContainer } from "@medusajs/framework/types"
import {
  cancelOrderFulfillmentWorkflow,
  createOrderFulfillmentWorkflow,
  getLastFulfillmentStatus,
} from "@medusajs/medusa/core-flows"
import { findOrder } from "../../find-order"

/** Big-number fields come back as numbers, strings or objects; core's workflows want numbers. */
export function toQuantity(value: any, raw?: any): number {
  for (const v of [value, raw]) {
    if (v == null) continue
    const n =
      typeof v === "number" || typeof v === "string"
        ? Number(v)
        : typeof v.numeric === "number"
          ? v.numeric
          : v.value != null
            ? Number(v.value)
            : MathBN.convert(v).toNumber()
    if (Number.isFinite(n) && n > 0) {
      return n
    }
  }
  throw new MedusaError(MedusaError.Types.INVALID_DATA, `Unreadable quantity ${JSON.stringify(value)} / ${JSON.stringify(raw)}`)
}

/** Like toQuantity, but zero (nothing fulfilled yet) and a missing value (no detail row) read as 0. */
function toCount(value: any, raw?: any): number {
  if (value == null && raw == null) {
    return 0
  }
  const n = MathBN.convert(raw ?? value).toNumber()
  return Number.isFinite(n) && n > 0 ? n : 0
}

export type ShipmentGroup = { location_id: string | null; items: { id: string; quantity: number }[] }
export type CreatedShipment = ShipmentGroup & { fulfillment_id: string }
/**
 * One fulfilment to create: a stock location (null: the shipping option's), the lines and
 * quantities it ships, and optionally the shipping option (carrier) to use instead of the
 * one the customer chose.
 */
export type PlannedShipmentGroup = ShipmentGroup & { shipping_option_id?: string | null }

/**
 * Groups the order's lines by the stock location holding their reservation. Lines without
 * a reservation (stock not managed) ride with the first group, or — when nothing is
 * reserved at all — form one group that core routes to the shipping option's location.
 */
export function groupItemsByLocation(
  items: { id: string; quantity: number }[],
  reservations: { line_item_id?: string | null; location_id: string }[]
): ShipmentGroup[] {
  const locationOf = new Map<string, string>()
  for (const r of reservations) {
    if (r.line_item_id && !locationOf.has(r.line_item_id)) {
      locationOf.set(r.line_item_id, r.location_id)
    }
  }
  const groups = new Map<string | null, ShipmentGroup>()
  const unreserved: { id: string; quantity: number }[] = []
  for (const item of items) {
    const location = locationOf.get(item.id)
    if (!location) {
      unreserved.push(item)
      continue
    }
    const group = groups.get(location) ?? { location_id: location, items: [] }
    group.items.push(item)
    groups.set(location, group)
  }
  const list = [...groups.values()].sort((a, b) => String(a.location_id).localeCompare(String(b.location_id)))
  if (unreserved.length) {
    if (list.length) {
      list[0].items.push(...unreserved)
    } else {
      list.push({ location_id: null, items: unreserved })
    }
  }
  return list
}

/**
 * What is still to ship, per line: quantity − fulfilled_quantity as the order says now.
 * Lines already fully fulfilled (by an earlier run of this step that died before it could
 * report, or by hand) are left out, so shipping again never ships a unit twice.
 */
export function unfulfilledQuantities(
  items: { id: string; quantity: any; raw_quantity?: any; detail?: { fulfilled_quantity?: any; raw_fulfilled_quantity?: any } }[]
): { id: string; quantity: number }[] {
  return items.flatMap((i) => {
    const remaining = toQuantity(i.quantity, i.raw_quantity) - toCount(i.detail?.fulfilled_quantity, i.detail?.raw_fulfilled_quantity)
    return remaining > 0 ? [{ id: i.id, quantity: remaining }] : []
  })
}

/**
 * Runs `job` holding the order's lock (Medusa's Locking Module, key = the order id, the key
 * core's own order workflows such as begin-order-edit and mark-as-delivered lock).
 *
 * Why: every fulfilment (and every cancellation of one) is an order change that core's
 * order module applies read-modify-write. `registerFulfillment` → `createOrderChange_` reads
 * `order.version` (say 1) and writes the change as version 2; confirming it copies the
 * order's items, shipping methods and summary into new version-2 rows, each carrying only
 * that change's fulfilled quantities, and sets `order.version = 2`. Nothing locks the order
 * row, so two fulfilments of one order at once both read version 1 and both write version
 * 2: every line twice, two shipping and summary rows, the total doubled, and each copy
 * fulfilled only for its own location ("partially fulfilled"). Holding the order's lock
 * makes each change read the version the previous one wrote. Different orders have
 * different keys and still ship in parallel. With the default in-memory provider this
 * protects one process; with Redis configured the lock is shared by every instance.
 */
async function withOrderLock<T>(container: MedusaContainer, order_id: string, job: () => Promise<T>): Promise<T> {
  const locking = container.resolve(Modules.LOCKING)
  let locked = false
  try {
    return await locking.execute(
      order_id,
      () => {
        locked = true
        return job()
      },
      { timeout: ORDER_LOCK_TIMEOUT_SECONDS }
    )
  } catch (e) {
    if (!locked) {
      throw new MedusaError(
        MedusaError.Types.CONFLICT,
        `Could not lock order ${order_id} for shipment within ${ORDER_LOCK_TIMEOUT_SECONDS} s: ${(e as Error)?.message}`
      )
    }
    throw e
  }
}

/** Longest wait for another holder of the order's lock (e.g. an order edit) to finish. */
const ORDER_LOCK_TIMEOUT_SECONDS = 30

/** One after another: each cancellation is an order change too (see withOrderLock). */
async function cancelShipments(container: MedusaContainer, order_id: string, shipments: CreatedShipment[]) {
  const failures: string[] = []
  for (const s of shipments) {
    try {
      await cancelOrderFulfillmentWorkflow(container).run({ input: { order_id, fulfillment_id: s.fulfillment_id } })
    } catch (e) {
      failures.push(`${s.fulfillment_id}: ${(e as Error).message}`)
    }
  }
  if (failures.length) {
    throw new Error(`Could not cancel fulfilments ${failures.join("; ")}`)
  }
}

/** Cancels this run's fulfilments and says how that went, for the step's error message. */
async function undoShipments(container: MedusaContainer, order_id: string, created: CreatedShipment[]): Promise<string> {
  try {
    await cancelShipments(container, order_id, created)
    return `${created.length} fulfilment(s) already created were cancelled`
  } catch (e) {
    return `cancelling the ${created.length} fulfilment(s) already created failed: ${(e as Error).message}`
  }
}

/** "Rotterdam Warehouse (sloc_…)", or the bare id when the location cannot be read. */
async function describeLocation(container: MedusaContainer, location_id: string | null): Promise<string> {
  if (!location_id) {
    return "the shipping option's location"
  }
  try {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({ entity: "stock_location", fields: ["id", "name"], filters: { id: location_id } })
    return data[0]?.name ? `${data[0].name} (${location_id})` : location_id
  } catch {
    return location_id
  }
}

/**
 * The order as core sees it now: `fulfillment_status` computed by core's own
 * `getLastFulfillmentStatus` (what the admin's order page shows) and the live fulfilments.
 */
async function readFulfillmentState(container: MedusaContainer, order_id: string) {
  const order = await findOrder(container, order_id, [
    "id",
    "items.*",
    "items.detail.*",
    "fulfillments.*",
    "fulfillments.items.line_item_id",
    "fulfillments.items.quantity",
  ])
  const live: CreatedShipment[] = (order?.fulfillments ?? [])
    .filter((f: any) => !f.canceled_at)
    .map((f: any) => ({
      location_id: f.location_id ?? null,
      fulfillment_id: f.id,
      items: (f.items ?? []).map((i: any) => ({ id: i.line_item_id, quantity: toCount(i.quantity, i.raw_quantity) })),
    }))
  return {
    fulfillment_status: getLastFulfillmentStatus(order) as string,
    unfulfilled_lines: unfulfilledQuantities(order?.items ?? []).length,
    live,
  }
}

/**
 * Whether core shows the whole order fulfilled: `fulfilled`, or a status further along —
 * a fulfilment someone had already marked shipped makes core say `partially_shipped` (or
 * `shipped`, `delivered`, …) although nothing is left to fulfil. Those count only when no
 * line is left unfulfilled; `not_fulfilled`, `partially_fulfilled` and `canceled` never do.
 */
export function coreShowsFulfilled(fulfillment_status: string, unfulfilled_lines: number): boolean {
  return (
    fulfillment_status === "fulfilled" ||
    (unfulfilled_lines === 0 &&
      ["shipped", "partially_shipped", "delivered", "partially_delivered"].includes(fulfillment_status))
  )
}

/**
 * Ships whatever the order still has unfulfilled, one location after another, all or
 * nothing. Must run holding the order's lock.
 */
async function shipRemainingLines(container: MedusaContainer, order_id: string, requested?: PlannedShipmentGroup[] | null) {
  const order = await findOrder(container, order_id, ["id", "status", "items.*", "items.detail.*"])
  if (!order?.items?.length) {
    return { created: [] as CreatedShipment[], shipments: [] as CreatedShipment[], fulfillment_status: null as string | null }
  }
  const items = unfulfilledQuantities(order.items)
  const groups: PlannedShipmentGroup[] = !items.length
    ? []
    : requested
      ? fitGroupsToUnfulfilled(
          requested,
          items,
          order.items.map((i: { id: string }) => i.id)
        )
      : groupItemsByLocation(items, await reservationsOf(container, items))

  const created: CreatedShipment[] = []
  for (const group of groups) {
    try {
      const { result } = await createOrderFulfillmentWorkflow(container).run({
        input: {
          order_id,
          items: group.items,
          ...(group.location_id ? { location_id: group.location_id } : {}),
          ...(group.shipping_option_id ? { shipping_option_id: group.shipping_option_id } : {}),
        },
      })
      created.push({ location_id: group.location_id, items: group.items, fulfillment_id: (result as any).id as string })
    } catch (e) {
      // Later locations are not tried: their fulfilments would only be cancelled again.
      const undone = await undoShipments(container, order_id, created)
      throw new MedusaError(
        MedusaError.Types.UNEXPECTED_STATE,
        `Split shipment failed at ${await describeLocation(container, group.location_id)}: ${(e as Error)?.message}; ${undone}`
      )
    }
  }

  // The flow says "fulfilled" only when core says so. A mismatch here means the order
  // changed under us in a way this step does not understand; rather than record a stage
  // core contradicts (or leave the order half-shipped), undo this run's fulfilments and
  // fail with core's status in the reason, so the flow shows `failed` and the admin sees why.
  const state = await readFulfillmentState(container, order_id)
  if (!coreShowsFulfilled(state.fulfillment_status, state.unfulfilled_lines)) {
    const undone = await undoShipments(container, order_id, created)
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      `Split shipment left order ${order_id} "${state.fulfillment_status}" in core, not "fulfilled" ` +
        `(${state.unfulfilled_lines} line(s) not fulfilled); ${undone}`
    )
  }
  return { created, shipments: state.live, fulfillment_status: state.fulfillment_status as string | null }
}

/** Where the order's unfulfilled lines are reserved. */
export async function reservationsOf(container: MedusaContainer, items: { id: string }[]) {
  return (await container.resolve(Modules.INVENTORY).listReservationItems(
    { line_item_id: items.map((i) => i.id) },
    { select: ["id", "line_item_id", "location_id"] }
  )) as { line_item_id?: string | null; location_id: string }[]
}

/**
 * Fits the groups a shop asked for (the `beforeShipment` hook of ship-order) to what the
 * order still has unfulfilled: each line's quantity is taken from the groups in order, up
 * to what is left, so a re-run never ships a unit twice; a line named twice in one group
 * is merged; groups left empty are dropped. Fails, before anything is created, when a
 * group names a line the order does not have, or when the groups leave something unshipped
 * (the step ships the whole order or nothing).
 */
export function fitGroupsToUnfulfilled(
  requested: PlannedShipmentGroup[],
  unfulfilled: { id: string; quantity: number }[],
  orderLineIds: string[]
): PlannedShipmentGroup[] {
  const lines = new Set(orderLineIds)
  const left = new Map(unfulfilled.map((i) => [i.id, i.quantity]))
  const groups: PlannedShipmentGroup[] = []
  for (const group of requested) {
    const take = new Map<string, number>()
    for (const item of group.items ?? []) {
      if (!lines.has(item.id)) {
        throw new MedusaError(MedusaError.Types.INVALID_DATA, `Shipment group names ${item.id}, which is not a line of this order`)
      }
      const n = Math.min(Number(item.quantity) || 0, left.get(item.id) ?? 0)
      if (n > 0) {
        take.set(item.id, (take.get(item.id) ?? 0) + n)
        left.set(item.id, (left.get(item.id) ?? 0) - n)
      }
    }
    if (take.size) {
      groups.push({
        location_id: group.location_id ?? null,
        items: [...take].map(([id, quantity]) => ({ id, quantity })),
        ...(group.shipping_option_id ? { shipping_option_id: group.shipping_option_id } : {}),
      })
    }
  }
  const unshipped = [...left].filter(([, n]) => n > 0)
  if (unshipped.length) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `Shipment groups leave ${unshipped.map(([id, n]) => `${n} × ${id}`).join(", ")} unshipped; they must cover every unfulfilled line`
    )
  }
  return groups
}

export const createSplitFulfillmentsStepId = "create-split-fulfillments-step"

export type CreateSplitFulfillmentsStepInput = {
  order_id: string
  skip?: boolean
  /**
   * The fulfilments to create instead of one per reservation location (from ship-order's
   * `beforeShipment` hook), each optionally with its own shipping option. Fitted to what is
   * still unfulfilled (fitGroupsToUnfulfilled). Without it, the step groups by location.
   */
  groups?: PlannedShipmentGroup[] | null
}

/**
 * One fulfilment per stock location with core's createOrderFulfillmentWorkflow, created one
 * after another under the order's lock (core's order versioning does not survive two
 * fulfilments of one order at once; see withOrderLock). All or nothing: if one location
 * fails, the fulfilments this run created are cancelled (which restores their stock and
 * reservations) and the step fails naming the location, so an order is never left
 * half-shipped; the step then returns the `error` instead of throwing, and the order flow
 * marks the flow failed with it (the payment stays captured).
 *
 * Safe to run again: it ships only what the order still has unfulfilled (quantity −
 * fulfilled_quantity per line), so a re-executed step creates no second fulfilment for a
 * line already shipped. It succeeds only when core's `fulfillment_status` shows the order
 * fulfilled afterwards (coreShowsFulfilled), and returns that status and every live
 * fulfilment of the order (including ones an earlier run created) as `shipments`; its
 * compensation cancels only what this run created.
 *
 * With `groups` (a shop's regrouping), those fulfilments are created instead, each from
 * its location and with its shipping option; the same all-or-nothing and re-run rules hold.
 */
export const createSplitFulfillmentsStep = createStep(
  createSplitFulfillmentsStepId,
  async (input: CreateSplitFulfillmentsStepInput, { container }) => {
    const none = { shipments: [] as CreatedShipment[], fulfillment_status: null as string | null, error: null as string | null }
    if (input.skip) {
      return new StepResponse(none, null)
    }
    try {
      const { created, shipments, fulfillment_status } = await withOrderLock(container, input.order_id, () =>
        shipRemainingLines(container, input.order_id, input.groups)
      )
      return new StepResponse({ ...none, shipments, fulfillment_status }, { order_id: input.order_id, shipments: created })
    } catch (e) {
      // Whatever this run created was cancelled already (all or nothing): the failure is
      // the shipment's outcome, which the flow records, not a reason to undo the payment.
      return new StepResponse({ ...none, error: (e as Error)?.message ?? String(e) }, null)
    }
  },
  async (undo, { container }) => {
    if (!undo?.shipments.length) {
      return
    }
    await withOrderLock(container, undo.order_id, () => cancelShipments(container, undo.order_id, undo.shipments))
  }
)
