import { z } from "zod"

/**
 * OmniFlow's plugin options: one object, validated when Medusa boots. Every key has a
 * default, so `plugins: ["medusa-plugin-omniflow"]` is a working setup; a wrong value
 * stops the boot with a message that names the option.
 */
const positiveInt = z.number().int().positive()

export const omniflowOptionsSchema = z
  .object({
    inventoryDedup: z
      .object({
        /** Claim a cart's whole stock before core completes it (the checkout guard). */
        checkoutGuard: z.boolean().default(true),
        /** Cron expression of the reconciliation job; `false` switches it off. */
        reconcileSchedule: z.union([z.string().min(9), z.literal(false)]).default("*/10 * * * *"),
        /** A claim still `held` after this long belongs to a checkout that died. */
        staleClaimMinutes: positiveInt.default(30),
      })
      .strict()
      .default({}),
  })
  .strict()

export type OmniflowOptionsInput = z.input<typeof omniflowOptionsSchema>
export type OmniflowOptions = z.output<typeof omniflowOptionsSchema>

export class OmniflowOptionsError extends Error {
  constructor(public readonly issues: { option: string; message: string }[]) {
    super(
      "Invalid OmniFlow plugin options:\n" +
        issues.map((i) => `  - ${i.option}: ${i.message}`).join("\n")
    )
    this.name = "OmniflowOptionsError"
  }
}

/**
 * Medusa hands a plugin's options to each of its modules; in app mode the same object is
 * passed to each module registration. Keys that Medusa itself adds to module options are
 * not ours to validate.
 */
const MEDUSA_OWNED_KEYS = new Set(["database", "definition", "moduleKey", "scope", "resources"])

export function parseOmniflowOptions(raw: unknown): OmniflowOptions {
  const input =
    raw && typeof raw === "object"
      ? Object.fromEntries(
          Object.entries(raw as Record<string, unknown>).filter(
            ([key]) => !MEDUSA_OWNED_KEYS.has(key)
          )
        )
      : raw ?? {}
  const parsed = omniflowOptionsSchema.safeParse(input)
  if (!parsed.success) {
    throw new OmniflowOptionsError(
      parsed.error.issues.map((issue) => {
        const path = issue.path.join(".")
        if (issue.code === "unrecognized_keys") {
          const base = path ? `${path}.` : ""
          return {
            option: issue.keys.map((k) => base + k).join(", "),
            message: "unknown option",
          }
        }
        return { option: path || "(root)", message: issue.message }
      })
    )
  }
  return parsed.data
}
