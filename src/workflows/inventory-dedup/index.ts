export * from "./reconcile-stock-claims"
export * from "./recover-checkout"
export * from "./steps/reserve-stock-once"
