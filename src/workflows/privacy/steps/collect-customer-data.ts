import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { AUDIT_MODULE, AuditModuleService } from "../../../modules/audit"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService } from "../../../modules/customer-lifecycle"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"

export type CollectCustomerDataInput = { request_id: string; customer_id: string }

/** Version of the export document's shape, for whoever reads it back (Art. 20: portable). */
export const DATA_EXPORT_FORMAT = "omniflow-customer-data/1"

const ADDRESS = ["first_name", "last_name", "company", "address_1", "address_2", "city", "province", "postal_code", "country_code", "phone"]
const ORDER_FIELDS = [
  "id",
  "display_id",
  "status",
  "email",
  "currency_code",
  "created_at",
  "canceled_at",
  "total",
  "subtotal",
  "tax_total",
  "shipping_total",
  "discount_total",
  "items.title",
  "items.product_title",
  "items.variant_title",
  "items.variant_sku",
  "items.quantity",
  "items.unit_price",
  "items.total",
  "items.tax_total",
  "shipping_methods.name",
  "shipping_methods.amount",
  ...ADDRESS.map((f) => `shipping_address.${f}`),
  ...ADDRESS.map((f) => `billing_address.${f}`),
]
const CART_FIELDS = [
  "id",
  "email",
  "currency_code",
  "created_at",
  "completed_at",
  "items.title",
  "items.quantity",
  "items.unit_price",
  ...ADDRESS.map((f) => `shipping_address.${f}`),
  ...ADDRESS.map((f) => `billing_address.${f}`),
]

export const collectCustomerDataStepId = "collect-customer-data-step"

/**
 * Gathers everything held about one customer into one JSON document: the customer with
 * addresses and groups, their orders (items, amounts, addresses), carts, and OmniFlow's own
 * records (risk reviews and flows of their orders, onboarding, privacy requests, audit
 * entries about them or by them). Every read is filtered by this customer's id or by the
 * ids of their own orders, so nothing of another customer gets in. Reads only.
 */
export const collectCustomerDataStep = createStep(
  collectCustomerDataStepId,
  async ({ request_id, customer_id }: CollectCustomerDataInput, { container }) => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data: customers } = await query.graph({
      entity: "customer",
      fields: [
        "id",
        "email",
        "first_name",
        "last_name",
        "phone",
        "company_name",
        "has_account",
        "metadata",
        "created_at",
        "updated_at",
        "addresses.*",
        "groups.id",
        "groups.name",
      ],
      filters: { id: customer_id },
    })
    const customer = customers[0] as any
    if (!customer) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Customer ${customer_id} was not found`)
    }
    // Guest orders and carts under the customer's email are theirs too (the erasure treats
    // them so); nothing is matched on anything less than the whole address.
    const mine = (customer as any).email ? ({ $or: [{ customer_id }, { email: (customer as any).email }] } as any) : { customer_id }
    const { data: orders } = await query.graph({ entity: "order", fields: ORDER_FIELDS, filters: mine })
    const { data: carts } = await query.graph({ entity: "cart", fields: CART_FIELDS, filters: mine })
    const orderIds = orders.map((o: any) => o.id as string)

    const flows: RiskReviewModuleService = container.resolve(RISK_REVIEW_MODULE)
    const lifecycle: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
    const audit: AuditModuleService = container.resolve(AUDIT_MODULE)
    const [reviews, orderFlows, events, onboardings, requests, entries] = await Promise.all([
      orderIds.length ? flows.listRiskReviews({ order_id: orderIds }) : [],
      orderIds.length ? flows.listOrderFlows({ order_id: orderIds }) : [],
      orderIds.length ? flows.listOrderFlowEvents({ order_id: orderIds }, { order: { created_at: "ASC" } }) : [],
      lifecycle.listOnboardings({ customer_id }),
      lifecycle.listPrivacyRequests({ customer_id }, { order: { created_at: "ASC" } }),
      audit.listAuditEntries(
        { $or: [{ target_id: [customer_id, ...orderIds] }, { actor_id: customer_id }] } as any,
        { order: { created_at: "ASC" } }
      ),
    ])

    const pick = (row: any, keys: string[]) => Object.fromEntries(keys.map((k) => [k, row?.[k] ?? null]))
    const document = {
      format: DATA_EXPORT_FORMAT,
      request_id,
      generated_at: new Date().toISOString(),
      customer: {
        ...pick(customer, ["id", "email", "first_name", "last_name", "phone", "company_name", "has_account", "metadata", "created_at", "updated_at"]),
        addresses: (customer.addresses ?? []).map((a: any) =>
          pick(a, ["id", "address_name", "is_default_shipping", "is_default_billing", ...ADDRESS, "created_at"])
        ),
        groups: (customer.groups ?? []).map((g: any) => pick(g, ["id", "name"])),
      },
      orders: orders.map((o: any) => ({
        ...o,
        omniflow: {
          risk_review:
            (reviews as any[])
              .filter((r) => r.order_id === o.id)
              .map((r) => pick(r, ["id", "status", "score", "level", "reasons", "order_summary", "decided_at", "reason", "created_at"]))[0] ??
            null,
          flow:
            (orderFlows as any[])
              .filter((f) => f.order_id === o.id)
              .map((f) => pick(f, ["id", "stage", "risk_score", "risk_decision", "failure_reason", "created_at", "updated_at"]))[0] ?? null,
          timeline: (events as any[])
            .filter((e) => e.order_id === o.id)
            .map((e) => pick(e, ["stage", "status", "detail", "created_at"])),
        },
      })),
      carts,
      onboarding: (onboardings as any[]).map((r) => pick(r, ["id", "state", "group_id", "locale", "completed_at", "created_at"]))[0] ?? null,
      privacy_requests: (requests as any[]).map((r) =>
        pick(r, ["id", "kind", "state", "requested_by_type", "created_at", "completed_at", "expires_at"])
      ),
      audit_entries: (entries as any[]).map((e) =>
        pick(e, ["id", "actor_type", "actor_id", "action", "target_type", "target_id", "details", "created_at"])
      ),
    }
    return new StepResponse({ document })
  }
)
