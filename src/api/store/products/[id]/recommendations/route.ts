import { MedusaResponse, MedusaStoreRequest } from "@medusajs/framework/http"
import { recommendForProduct } from "../../../recommendation-helpers"

export const GET = async (req: MedusaStoreRequest, res: MedusaResponse) => {
  res.json(await recommendForProduct(req, req.params.id))
}
