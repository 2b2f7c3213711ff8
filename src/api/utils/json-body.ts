import { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"

/** The same bound Medusa's own JSON parser applies (body-parser's default). */
const MAX_BODY_BYTES = 100 * 1024

const invalid = (message: string) => new MedusaError(MedusaError.Types.INVALID_DATA, `Invalid request: ${message}`)

function kindOf(value: unknown): string {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  return `a ${typeof value}`
}

/**
 * Reads the request body as one JSON object into `req.body` (`{}` when there is none), or
 * answers 400 naming `body`. For route entries that set `bodyParser: false`, placed before
 * `validateAndTransformBody`: Medusa's own parser answers `"x"`, `1` or `null` with a bare
 * JSON syntax error before any route middleware runs, and passes `[]` on.
 */
export async function jsonObjectBody(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  const length = Number(req.headers["content-length"] ?? 0)
  if (req.headers["transfer-encoding"] === undefined && !(length > 0)) {
    req.body = {}
    return next()
  }
  if (!req.is(["application/json", "+json"])) {
    return next(invalid("body must be JSON, sent with content-type: application/json"))
  }
  const encoding = String(req.headers["content-encoding"] ?? "identity").toLowerCase()
  if (encoding !== "identity") {
    return next(invalid(`body must not be compressed (content-encoding: ${encoding.slice(0, 32)})`))
  }
  if (length > MAX_BODY_BYTES) {
    return res.status(413).json({ type: "invalid_data", message: `Invalid request: body is larger than ${MAX_BODY_BYTES / 1024} KB` })
  }
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of req) {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        return res.status(413).json({ type: "invalid_data", message: `Invalid request: body is larger than ${MAX_BODY_BYTES / 1024} KB` })
      }
      chunks.push(chunk)
    }
  } catch (e) {
    return next(e)
  }
  const text = Buffer.concat(chunks).toString("utf8")
  let body: unknown = {}
  if (text.trim()) {
    try {
      body = JSON.parse(text)
    } catch {
      return next(invalid("body is not valid JSON"))
    }
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return next(invalid(`body must be a JSON object, not ${kindOf(body)}`))
  }
  req.body = body
  next()
}
