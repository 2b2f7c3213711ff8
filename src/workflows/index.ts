/**
 * Everything OmniFlow builds its flows from, for a shop to run, nest (`runAsStep`) or
 * extend (`.hooks.*`): `require("medusa-plugin-omniflow/workflows")`.
 *
 * Handlers for core workflows' hooks (`./hooks`) are not exported: they register
 * themselves when Medusa loads the plugin.
 */

// Order flow: one long-running workflow — risk review, payment, split shipment,
// cancellation (hooks: riskAssessed, orderApproved, beforeShipment, orderCanceled).
export * from "./order-flow"
export * from "./order-flow/steps/assess-order-risk"
export * from "./order-flow/steps/cancel-order-once"
export * from "./order-flow/steps/capture-order-payments"
export * from "./order-flow/steps/create-order-flow"
export * from "./order-flow/steps/create-risk-review"
export * from "./order-flow/steps/create-split-fulfillments"
export * from "./order-flow/steps/decide-risk-review"
export * from "./order-flow/steps/finish-cut-off-fulfillments"
export * from "./order-flow/steps/get-order-payment-state"
export * from "./order-flow/steps/get-order-flow-options"
export * from "./order-flow/steps/get-review-decision"
export * from "./order-flow/steps/move-order-flow-stage"
export * from "./order-flow/steps/notify-customer"
export * from "./order-flow/steps/plan-order-shipment"
export * from "./order-flow/steps/record-cut-off-captures"
export * from "./order-flow/steps/release-order-flow"
export * from "./order-flow/steps/wait-for-payment"
export * from "./order-flow/steps/wait-for-review-decision"
export * from "./order-flow/steps/wait-for-shipping-window"

// Inventory dedup: stock ledger, checkout recovery, reconciliation.
export * from "./inventory-dedup/reconcile-stock-claims"
export * from "./inventory-dedup/recover-checkout"
export * from "./inventory-dedup/steps/authorize-recovered-payment"
export * from "./inventory-dedup/steps/find-checkout-to-recover"
export * from "./inventory-dedup/steps/find-reservation-drift"
export * from "./inventory-dedup/steps/link-recovered-order"
export * from "./inventory-dedup/steps/list-claims-to-recover"
export * from "./inventory-dedup/steps/plan-order-reservations"
export * from "./inventory-dedup/steps/reserve-stock-once"
export * from "./inventory-dedup/steps/settle-recovered-claim"

// Checkout guard: the steps behind core's completeCartWorkflow hooks, and the background
// completion of a checkout answered at arrival (`Prefer: respond-async`).
export * from "./checkout-guard/steps/claim-cart-stock"
export * from "./checkout-guard/steps/convert-cart-claim"
export * from "./checkout-guard/complete-checkout"
export * from "./checkout-guard/steps/complete-checkout-cart"
export * from "./checkout-guard/steps/settle-checkout"

// Recommendations: "frequently bought together".
export * from "./recommendation"
export * from "./recommendation/steps/collect-order-history"
export * from "./recommendation/steps/get-order-products"
export * from "./recommendation/steps/rebuild-recommendations"
export * from "./recommendation/steps/record-order-copurchases"
export * from "./recommendation/steps/remove-order-copurchases"
export * from "./recommendation/steps/retire-recommendation-responses"

// Audit trail: the step every flow appends entries with.
export * from "./audit"

// Customer lifecycle: onboarding, group changes, admin role changes.
export * from "./customer-lifecycle"
export * from "./customer-lifecycle/steps/add-customer-to-default-group"
export * from "./customer-lifecycle/steps/begin-onboarding"
export * from "./customer-lifecycle/steps/describe-group-changes"
export * from "./customer-lifecycle/steps/describe-role-changes"
export * from "./customer-lifecycle/steps/end-onboarding"
export * from "./customer-lifecycle/steps/get-onboarding-settings"
export * from "./customer-lifecycle/steps/notify-membership-changes"
export * from "./customer-lifecycle/steps/send-welcome-notification"
export * from "./customer-lifecycle/steps/set-default-preferences"

// Privacy: data export (Art. 15/20) and erasure (Art. 17).
export * from "./privacy"
