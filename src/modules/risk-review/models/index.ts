export * from "./risk-review"
export * from "./order-flow"
export * from "./order-flow-event"
