export type RecommendationSource = "co_purchase" | "content"

/** The distinct products of one order, as the model counts it. */
export type OrderProducts = {
  order_id: string
  product_ids: string[]
  placed_at?: Date | string | null
  /** 1 for a fresh order; a rebuild with decay lowers it with age. */
  weight?: number
}

export type ApplyOrderResult = {
  /** false when the order was already counted (a replay): nothing changed. */
  applied: boolean
  order_id: string
  product_ids: string[]
}

export type RemoveOrderResult = {
  /** false when the order was not counted: nothing changed. */
  removed: boolean
  /** What was taken out, so it can be put back exactly. */
  order: Required<Pick<OrderProducts, "order_id" | "product_ids" | "weight">> & {
    placed_at: Date | null
  } | null
}

export type Neighbour = { product_id: string; score: number; orders: number }

export type ProductNeighbours = {
  product_id: string
  /** Distinct orders in which this product was bought together with another one. */
  copurchase_orders: number
  /** True when there is too little history and content similarity should answer instead. */
  cold_start: boolean
  neighbours: Neighbour[]
}

export type RebuildResult = {
  id: string
  started_at: Date
  finished_at: Date
  duration_ms: number
  orders: number
  products: number
  pairs: number
}

export type RecommendationStats = {
  products_covered: number
  pairs: number
  orders_counted: number
  last_rebuild_at: Date | null
  last_rebuild_duration_ms: number | null
  last_rebuild: RebuildResult | null
}
