import { MedusaResponse, MedusaStoreRequest } from "@medusajs/framework/http"
import { recommendForProduct, ServerTiming } from "../../../recommendation-helpers"

export const GET = async (req: MedusaStoreRequest, res: MedusaResponse) => {
  const timing = new ServerTiming()
  const body = await recommendForProduct(req, req.params.id, timing)
  res.setHeader("Server-Timing", timing.header())
  res.json(body)
}
