export { StockEffect } from "./stock-effect"
export { StockClaim } from "./stock-claim"
export { StockGuard } from "./stock-guard"
export { StockCheckout } from "./stock-checkout"
