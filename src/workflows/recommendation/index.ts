export * from "./record-order-copurchases"
export * from "./remove-order-copurchases"
export * from "./rebuild-recommendations"
