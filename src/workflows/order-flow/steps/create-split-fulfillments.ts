import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MathBN, MedusaError, Modules } from "@medusajs/framework/utils"
import { MedusaContainer } from "@medusajs/framework/types"
import { cancelOrderFulfillmentWorkflow, createOrderFulfillmentWorkflow } from "@medusajs/medusa/core-flows"
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

export type ShipmentGroup = { location_id: string | null; items: { id: string; quantity: number }[] }
export type CreatedShipment = ShipmentGroup & { fulfillment_id: string }

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

export const createSplitFulfillmentsStepId = "create-split-fulfillments-step"

/**
 * One fulfilment per stock location, created in parallel with core's
 * createOrderFulfillmentWorkflow. All or nothing: if one location fails, the fulfilments
 * the others created are cancelled (which restores their stock and reservations) and the
 * step fails naming the location, so an order is never left half-shipped.
 */
export const createSplitFulfillmentsStep = createStep(
  createSplitFulfillmentsStepId,
  async (input: { order_id: string; skip?: boolean }, { container }) => {
    if (input.skip) {
      return new StepResponse({ shipments: [] as CreatedShipment[] }, null)
    }
    const order = await findOrder(container, input.order_id, ["id", "status", "items.*"])
    const items: { id: string; quantity: number }[] = (order?.items ?? []).map((i: any) => ({
      id: i.id as string,
      quantity: toQuantity(i.quantity, i.raw_quantity),
    }))
    if (!items.length) {
      return new StepResponse({ shipments: [] as CreatedShipment[] }, null)
    }
    const reservations = await container.resolve(Modules.INVENTORY).listReservationItems(
      { line_item_id: items.map((i) => i.id) },
      { select: ["id", "line_item_id", "location_id"] }
    )
    const groups = groupItemsByLocation(items, reservations as any)

    const settled = await Promise.allSettled(
      groups.map(async (group) => {
        const { result } = await createOrderFulfillmentWorkflow(container).run({
          input: {
            order_id: input.order_id,
            items: group.items,
            ...(group.location_id ? { location_id: group.location_id } : {}),
          },
        })
        return { ...group, fulfillment_id: (result as any).id as string }
      })
    )
    const created = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []))
    const failed = settled.flatMap((s, i) =>
      s.status === "rejected" ? [`${groups[i].location_id ?? "default location"}: ${(s.reason as Error)?.message}`] : []
    )
    if (failed.length) {
      await cancelShipments(container, input.order_id, created)
      throw new MedusaError(
        MedusaError.Types.UNEXPECTED_STATE,
        `Split shipment failed at ${failed.join("; ")}; ${created.length} fulfilment(s) already created were cancelled`
      )
    }
    return new StepResponse({ shipments: created }, { order_id: input.order_id, shipments: created })
  },
  async (undo, { container }) => {
    if (!undo?.shipments.length) {
      return
    }
    await cancelShipments(container, undo.order_id, undo.shipments)
  }
)
