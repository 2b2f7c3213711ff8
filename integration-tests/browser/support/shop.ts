import axios, { AxiosInstance } from "axios"
import { PUBLISHABLE_KEY_TITLE } from "../../../src/scripts/seed/catalog"
import { adminHeaders, completeCart, prepareCart } from "../../helpers/storefront"
import { waitFor } from "../../helpers/wait"

type Headers = { headers: Record<string, string> }

/**
 * The seeded demo shop seen from outside, the way the browser tests need it: orders are
 * placed through the store API like a storefront does, and what the dashboard shows is
 * checked against the admin API. Nothing here reaches into the server's container.
 */
export class DemoShop {
  private constructor(
    readonly api: AxiosInstance,
    readonly admin: Headers,
    readonly adminUserId: string,
    readonly publishableKey: string,
    readonly regionId: string,
    private readonly variants: Map<string, { id: string; inventoryItemId: string | null }>
  ) {}

  static async open(baseURL: string, credentials: { email: string; password: string }): Promise<DemoShop> {
    const api = axios.create({ baseURL })
    const admin = await adminHeaders(api, credentials.email, credentials.password)
    const { data: me } = await api.get("/admin/users/me", admin)
    const { data: keys } = await api.get("/admin/api-keys?type=publishable&limit=50", admin)
    const key = keys.api_keys.find((k: any) => k.title === PUBLISHABLE_KEY_TITLE && !k.revoked_at)
    const { data: regions } = await api.get("/admin/regions?limit=1", admin)
    const { data: products } = await api.get(
      "/admin/products?limit=100&fields=id,*variants,*variants.inventory_items",
      admin
    )
    const variants = new Map<string, { id: string; inventoryItemId: string | null }>()
    for (const product of products.products) {
      for (const v of product.variants) {
        variants.set(v.sku, { id: v.id, inventoryItemId: v.inventory_items?.[0]?.inventory_item_id ?? null })
      }
    }
    if (!key || !regions.regions.length || !variants.size) {
      throw new Error("The database does not hold the seeded demo shop (publishable key, region, products)")
    }
    return new DemoShop(api, admin, me.user.id, key.token, regions.regions[0].id, variants)
  }

  variant(sku: string) {
    const v = this.variants.get(sku)
    if (!v) throw new Error(`No variant ${sku} in the demo shop`)
    return v
  }

  /** A guest checkout of `lines` ([sku, quantity]); resolves with the placed order. */
  async placeOrder(lines: [string, number][], email?: string): Promise<any> {
    const { status, body } = await this.checkout(lines, email)
    if (status !== 200 || body?.type !== "order") {
      throw new Error(`placing an order of ${JSON.stringify(lines)} answered ${status}: ${JSON.stringify(body)}`)
    }
    return body.order
  }

  /** A guest checkout whatever its outcome: the HTTP status and body of the completion. */
  async checkout(lines: [string, number][], email?: string) {
    const items = lines.map(([sku, quantity]) => ({ variant_id: this.variant(sku).id, quantity }))
    const cartId = await prepareCart(this.api, this.publishableKey, { regionId: this.regionId, items, email })
    return { cartId, ...(await completeCart(this.api, this.publishableKey, cartId)) }
  }

  /** OmniFlow's view of an order as the admin API gives it (flow, review, timeline). */
  async omniflow(orderId: string): Promise<any> {
    return (await this.api.get(`/admin/orders/${orderId}/omniflow`, this.admin)).data.omniflow
  }

  /** Waits until the order's flow is in one of `stages` and returns OmniFlow's view of it. */
  waitForStage(orderId: string, stages: string[], timeoutMs = 60_000) {
    return waitFor(
      () => this.omniflow(orderId),
      (view) => stages.includes(view.flow?.stage),
      { timeoutMs, intervalMs: 300, what: `order ${orderId} to reach ${stages.join(" or ")}` }
    )
  }

  async riskReview(reviewId: string): Promise<any> {
    return (await this.api.get(`/admin/risk-reviews/${reviewId}`, this.admin)).data.risk_review
  }

  async order(orderId: string, fields = "id,display_id,email,total,currency_code,status"): Promise<any> {
    return (await this.api.get(`/admin/orders/${orderId}?fields=${fields}`, this.admin)).data.order
  }

  /** Sets a variant's stocked quantity at each stock location named (creating the level if missing). */
  async setStock(sku: string, levels: Record<string, number>) {
    const itemId = this.variant(sku).inventoryItemId
    const { data } = await this.api.get(`/admin/inventory-items/${itemId}/location-levels?limit=50`, this.admin)
    const existing = new Set(data.inventory_levels.map((l: any) => l.location_id))
    for (const [locationId, stocked] of Object.entries(levels)) {
      if (existing.has(locationId)) {
        await this.api.post(
          `/admin/inventory-items/${itemId}/location-levels/${locationId}`,
          { stocked_quantity: stocked },
          this.admin
        )
      } else {
        await this.api.post(
          `/admin/inventory-items/${itemId}/location-levels`,
          { location_id: locationId, stocked_quantity: stocked },
          this.admin
        )
      }
    }
  }

  async stockLocationIds(): Promise<string[]> {
    const { data } = await this.api.get("/admin/stock-locations?limit=50", this.admin)
    return data.stock_locations.map((l: any) => l.id)
  }
}
