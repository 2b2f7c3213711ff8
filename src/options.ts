import { z } from "zod"

/**
 * OmniFlow's plugin options: one object, validated when Medusa boots. Every key has a
 * default, so `plugins: ["medusa-plugin-omniflow"]` is a working setup; a wrong value
 * stops the boot with a message that names the option.
 */
const positiveInt = z.number().int().positive()

/** The workflows whose runs are recorded (run registry, inbox, policies under `flows`). */
export const RECORDED_FLOW_IDS = [
  "omniflow-order-flow",
  "complete-cart",
  "omniflow-complete-checkout",
  "decide-risk-review",
  "retry-customer-notification",
  "recover-checkout",
  "reconcile-stock-claims",
  "record-order-copurchases",
  "remove-order-copurchases",
  "rebuild-recommendations",
  "omniflow-onboard-customer",
  "omniflow-record-customer-groups",
  "omniflow-record-user-roles",
  "omniflow-export-customer-data",
  "omniflow-erase-customer",
] as const
export type RecordedFlowId = (typeof RECORDED_FLOW_IDS)[number]

/** One flow's policy as the options give it; what is left out keeps the flow's default. */
export type FlowPolicyInput = {
  timeoutMinutes?: number
  retries?: number
  retryBackoffSeconds?: number
  inbox?: boolean
  compensate?: boolean
}

/**
 * Flows whose failures must always be undone: core's checkout and the background one
 * around it (a held checkout would keep
 * the buyer's payment authorised and the stock claimed with no order), and the order flow,
 * which records its own failure and is continued from its stored stage.
 */
export const ALWAYS_COMPENSATING_FLOWS: readonly RecordedFlowId[] = ["complete-cart", "omniflow-complete-checkout", "omniflow-order-flow"]

export const omniflowOptionsSchema = z
  .object({
    inventoryDedup: z
      .object({
        /** Claim a cart's whole stock before core completes it (the checkout guard). */
        checkoutGuard: z.boolean().default(true),
        /** Minutes between reconciliation runs; `false` switches the job off. */
        reconcileEveryMinutes: z.union([positiveInt.max(1440), z.literal(false)]).default(10),
        /** A claim still `held` after this long belongs to a checkout that died. */
        staleClaimMinutes: positiveInt.default(30),
        /**
         * Cart completions one server runs at once; the rest wait their turn. Core takes an
         * in-process lock per inventory item that gives up after 5 s, so an unbounded burst
         * on one hot item turns into 500s; a short queue in front of it does not.
         */
        maxConcurrentCheckouts: positiveInt.default(4),
        /** How long a completion may wait for its turn before it gets 503 + Retry-After. */
        checkoutQueueTimeoutSeconds: positiveInt.default(60),
      })
      .strict()
      .default({}),
    recommendation: z
      .object({
        /** How many precomputed neighbours are kept per product (the most a lookup can return). */
        neighbours: positiveInt.max(200).default(20),
        /** Below this many distinct co-purchase orders a product falls back to content similarity. */
        minCoPurchases: positiveInt.default(2),
        /** Cron expression of the nightly full rebuild; `false` switches it off. */
        rebuildSchedule: z.union([z.string().min(9), z.literal(false)]).default("0 3 * * *"),
        /** When set, a full rebuild weighs each order by 0.5^(age in days / half-life). */
        decayHalfLifeDays: z.number().positive().optional(),
        /**
         * How long a storefront answer is reused (seconds; 0 switches the cache off). A model
         * or catalogue change retires cached answers at once; the TTL bounds what no event
         * announces (price-list edits, stock sold at checkout).
         */
        responseCacheSeconds: z.number().int().min(0).max(3600).default(60),
      })
      .strict()
      .default({}),
    riskReview: z
      .object({
        /** An order total above this (in the order's currency) scores `weights.orderTotal`. */
        holdAboveAmount: z.number().nonnegative().default(10000),
        /** A single line with at least this quantity scores `weights.largeQuantity`. */
        largeQuantity: positiveInt.default(10),
        /** This many earlier orders from the same customer or email within the last hour score `weights.velocity`. */
        velocityOrders: positiveInt.default(2),
        /** A score at or above this holds the order for review. */
        holdScore: z.number().nonnegative().default(50),
        /** A score at or above this rejects the order outright, when `autoReject` is on. */
        rejectScore: z.number().nonnegative().default(80),
        /** Off by default: a machine rejecting a paying customer is worse than a person looking. */
        autoReject: z.boolean().default(false),
        /** How long a held order waits for a decision. */
        reviewDeadlineHours: z.number().positive().default(48),
        /** What happens to a review nobody decided in time. */
        deadlinePolicy: z.enum(["reject", "approve"]).default("reject"),
        /** Points per rule; 0 switches a rule off. */
        weights: z
          .object({
            orderTotal: z.number().nonnegative().default(60),
            firstOrder: z.number().nonnegative().default(15),
            largeQuantity: z.number().nonnegative().default(25),
            velocity: z.number().nonnegative().default(30),
            countryMismatch: z.number().nonnegative().default(20),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    orderFlow: z
      .object({
        /** Start the order flow (risk review, capture, split shipment) for every placed order. */
        enabled: z.boolean().default(true),
        /** An approved order whose payment is neither authorised nor captured by then is cancelled. */
        paymentDeadlineMinutes: z.number().positive().default(30),
        /** Capture the authorised payment once the order is approved. */
        capturePayment: z.boolean().default(true),
        /** Create one fulfilment per stock location once the payment is captured. */
        splitShipment: z.boolean().default(true),
        /**
         * Minutes a paid order waits before its fulfilments are created (the window in which
         * the customer or the shop can still cancel without a return); the scheduled job
         * ships it afterwards. 0 ships right after capture.
         */
        shipAfterMinutes: z.number().nonnegative().default(5),
        /**
         * A placed order (one that came from a cart) with no flow this long after it was
         * placed lost its trigger (the process died before handling `order.placed`); the
         * sweeper starts its flow.
         */
        sweepAfterSeconds: z.number().positive().default(60),
        /** How far back the sweeper looks for placed orders without a flow. */
        sweepLookbackHours: z.number().positive().default(72),
        /**
         * A flow still in `assessing`, `capturing`, `shipping` or `canceling` this long after
         * its last move was cut off by a crash and is resumed from its stored state.
         */
        stuckAfterMinutes: z.number().positive().default(10),
        /**
         * The Notification-module channel customers are told on (cancellations). A missing
         * or failing channel never decides an order's fate: the failure is on the timeline
         * and retried by the sweeper; the boot warns when no provider serves the channel.
         */
        notificationChannel: z.string().min(1).default("email"),
      })
      .strict()
      .default({}),
    customerLifecycle: z
      .object({
        /** Onboard every new customer (store registration and admin-created). */
        onboarding: z.boolean().default(true),
        /** The group every new customer joins; created on first use. */
        defaultGroup: z.string().min(1).max(200).default("Registered customers"),
        /** A new customer's locale when the registration named none (`?locale=`, `x-medusa-locale`, `metadata.locale`). */
        defaultLocale: z.string().min(2).max(35).default("en"),
        /** The Notification-module channel of welcome, group and role notifications. */
        notificationChannel: z.string().min(1).default("email"),
        /** Notification templates. */
        templates: z
          .object({
            welcome: z.string().min(1).default("omniflow-welcome"),
            groupsChanged: z.string().min(1).default("omniflow-groups-changed"),
            rolesChanged: z.string().min(1).default("omniflow-roles-changed"),
            dataExportReady: z.string().min(1).default("omniflow-data-export-ready"),
          })
          .strict()
          .default({}),
        /** Tell a customer when their groups change. */
        notifyGroupChanges: z.boolean().default(false),
        /** Tell an admin user when their roles change (RBAC feature flag on). */
        notifyRoleChanges: z.boolean().default(true),
        /** How long a data export's download link works. */
        exportLinkHours: z.number().positive().max(24 * 30).default(24),
        /**
         * An erasure asked for while one of the customer's orders is not fulfilled:
         * `refuse` answers 409 naming the orders; `cancel` cancels them first (core's
         * cancellation, as the order flow does).
         */
        unfulfilledOrders: z.enum(["refuse", "cancel"]).default("refuse"),
        /** An erasure whose run stopped (its process gone, or silent this long) is continued. */
        resumeAfterMinutes: z.number().positive().default(10),
      })
      .strict()
      .default({}),
    runs: z
      .object({
        /** Record every run of OmniFlow's workflows (and core's checkout while the guard is on). */
        record: z.boolean().default(true),
        /** Ended runs are deleted after this many days; open inbox items stay. */
        retentionDays: positiveInt.max(3650).default(30),
      })
      .strict()
      .default({}),
    metrics: z
      .object({
        /** Bearer token of `GET /metrics` (Prometheus). Unset: the endpoint answers 404. */
        token: z.string().min(16, { message: "must be at least 16 characters" }).optional(),
        /**
         * A process in worker mode serves no API routes, so `GET /metrics` does not exist
         * there, yet most runs end there. With this port (and `token`) set, a worker serves
         * its series at `http://<worker>:<port>/metrics`.
         */
        workerPort: z.number().int().min(1).max(65535).optional(),
      })
      .strict()
      .default({}),
    /**
     * Per-flow policy, keyed by workflow id (see RECORDED_FLOW_IDS); anything left out keeps
     * the flow's default (README, "Flow policies").
     */
    flows: z
      .record(
        z.enum(RECORDED_FLOW_IDS),
        z
          .object({
            timeoutMinutes: z.number().positive().max(7 * 24 * 60).optional(),
            retries: z.number().int().min(0).max(10).optional(),
            retryBackoffSeconds: z.number().positive().max(24 * 3600).optional(),
            inbox: z.boolean().optional(),
            compensate: z.boolean().optional(),
          })
          .strict()
      )
      .default({})
      .superRefine((flows, ctx) => {
        for (const id of ALWAYS_COMPENSATING_FLOWS) {
          if (flows[id]?.compensate === false) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: [id, "compensate"],
              message:
                id === "complete-cart" || id === "omniflow-complete-checkout"
                  ? "core's checkout always undoes a failed checkout (payment authorisation, stock claim)"
                  : "the order flow records its own failures and is continued from its stored stage",
            })
          }
        }
      }),
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

const parsedOptions = new WeakMap<object, OmniflowOptions>()

/**
 * The one parser of OmniFlow's options. Every reader (the config, the modules Medusa hands
 * the options to, the job that reads its schedule) calls this; each options object is
 * parsed once and the result shared, so all of them see the same validated values.
 */
export function parseOmniflowOptions(raw: unknown): OmniflowOptions {
  if (raw && typeof raw === "object" && parsedOptions.has(raw)) {
    return parsedOptions.get(raw)!
  }
  const options = parseOmniflowOptions_(raw)
  if (raw && typeof raw === "object") {
    parsedOptions.set(raw, options)
  }
  return options
}

function parseOmniflowOptions_(raw: unknown): OmniflowOptions {
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
