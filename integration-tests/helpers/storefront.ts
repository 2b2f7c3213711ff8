import { AxiosInstance } from "axios"

/**
 * What a storefront and an admin do over HTTP, shared by the HTTP suites. Every call goes
 * through the real store, auth and admin APIs.
 */
export type Api = AxiosInstance

export const ADDRESS = {
  first_name: "Ada",
  last_name: "Lovelace",
  address_1: "Unter den Linden 1",
  city: "Berlin",
  country_code: "de",
  postal_code: "10117",
}

export const storeHeaders = (publishableKey: string, token?: string) => ({
  headers: {
    "x-publishable-api-key": publishableKey,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
})

export async function adminHeaders(api: Api, email: string, password: string) {
  const { data } = await api.post("/auth/user/emailpass", { email, password })
  return { headers: { authorization: `Bearer ${data.token}` } }
}

/** Registers a customer account and returns a token that acts as that customer. */
export async function registerCustomer(api: Api, publishableKey: string, email: string) {
  const password = "secret-password"
  const { data: reg } = await api.post("/auth/customer/emailpass/register", { email, password })
  const { data: created } = await api.post(
    "/store/customers",
    { email, first_name: "Test", last_name: "Customer" },
    storeHeaders(publishableKey, reg.token)
  )
  const { data: login } = await api.post("/auth/customer/emailpass", { email, password })
  return { token: login.token as string, customerId: created.customer.id as string }
}

export type CartLine = { variant_id: string; quantity: number }

/**
 * Everything a storefront does before "place order": cart, lines, addresses, a shipping
 * method and a payment session with Medusa's system provider. Returns the cart id.
 */
export async function prepareCart(
  api: Api,
  publishableKey: string,
  opts: { regionId: string; items: CartLine[]; token?: string; email?: string }
): Promise<string> {
  const h = storeHeaders(publishableKey, opts.token)
  try {
    return await prepareCart_(api, h, opts)
  } catch (e: any) {
    // Axios says only "status code 400"; the body says why.
    if (e?.response) {
      throw new Error(`${e.config?.method} ${e.config?.url} → ${e.response.status} ${JSON.stringify(e.response.data)}`)
    }
    throw e
  }
}

async function prepareCart_(
  api: Api,
  h: ReturnType<typeof storeHeaders>,
  opts: { regionId: string; items: CartLine[]; token?: string; email?: string }
): Promise<string> {
  const [first, ...rest] = opts.items
  const { data } = await api.post("/store/carts", { region_id: opts.regionId, items: [first] }, h)
  const cartId = data.cart.id as string
  for (const line of rest) {
    await api.post(`/store/carts/${cartId}/line-items`, line, h)
  }
  await api.post(
    `/store/carts/${cartId}`,
    {
      // Distinct guests: concurrent carts with one guest email race on creating that customer.
      email: opts.email ?? `buyer-${Math.random().toString(36).slice(2, 10)}@example.com`,
      shipping_address: ADDRESS,
      billing_address: ADDRESS,
    },
    h
  )
  const { data: options } = await api.get(`/store/shipping-options?cart_id=${cartId}`, h)
  await api.post(`/store/carts/${cartId}/shipping-methods`, { option_id: options.shipping_options[0].id }, h)
  const { data: pc } = await api.post("/store/payment-collections", { cart_id: cartId }, h)
  await api.post(
    `/store/payment-collections/${pc.payment_collection.id}/payment-sessions`,
    { provider_id: "pp_system_default" },
    h
  )
  return cartId
}

/** Places the order; resolves with the HTTP status and body, whatever they are. */
export async function completeCart(api: Api, publishableKey: string, cartId: string, token?: string) {
  const res = await api.post(`/store/carts/${cartId}/complete`, {}, {
    ...storeHeaders(publishableKey, token),
    validateStatus: () => true,
  })
  return { status: res.status, body: res.data }
}

/**
 * Places the order as a storefront that honours `Retry-After` does: a 409 or 503 that
 * carries one is tried again after it (at most `attempts` times). Resolves with the last
 * answer, whatever it is.
 */
export async function completeCartRetrying(api: Api, publishableKey: string, cartId: string, token?: string, attempts = 5) {
  for (let i = 1; ; i++) {
    const res = await api.post(`/store/carts/${cartId}/complete`, {}, {
      ...storeHeaders(publishableKey, token),
      validateStatus: () => true,
    })
    const retryAfter = Number(res.headers["retry-after"])
    if (i >= attempts || ![409, 503].includes(res.status) || !Number.isFinite(retryAfter)) {
      return { status: res.status, body: res.data, attempts: i }
    }
    await new Promise((r) => setTimeout(r, retryAfter * 1000))
  }
}
