/**
 * Calls OmniFlow's admin API from the dashboard. The dashboard is served by the Medusa
 * server itself (`/app`) and keeps the admin signed in with a session cookie, so a
 * same-origin request that includes credentials is authenticated like the core pages.
 */
export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown
  ) {
    super(message)
    this.name = "AdminApiError"
  }
}

type Query = Record<string, string | number | undefined>

function withQuery(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    // Omitted rather than sent empty: the API's validators reject unknown or blank values.
    if (value !== undefined && value !== "") params.set(key, String(value))
  }
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

export async function adminFetch<T>(
  path: string,
  init: { method?: "GET" | "POST"; query?: Query; body?: unknown } = {}
): Promise<T> {
  const res = await fetch(withQuery(path, init.query), {
    method: init.method ?? "GET",
    credentials: "include",
    headers: { accept: "application/json", ...(init.body !== undefined ? { "content-type": "application/json" } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  })
  const text = await res.text()
  let body: unknown = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    body = text
  }
  if (!res.ok) {
    // Medusa errors (and OmniFlow's 409) carry a human-readable `message`; show it as is.
    const message =
      body && typeof body === "object" && "message" in body && typeof (body as { message: unknown }).message === "string"
        ? (body as { message: string }).message
        : `${res.status} ${res.statusText}`
    throw new AdminApiError(message, res.status, body)
  }
  return body as T
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
