import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { rebuildRecommendationsWorkflow } from "../../../../workflows/recommendation"
import { runFlow } from "../../../../workflows/flow-runs/run-flow"

/** Recomputes the whole model now; answers once the new model is live. */
export const POST = async (req: MedusaRequest, res: MedusaResponse) => {
  const { result, transaction } = await runFlow(req.scope, rebuildRecommendationsWorkflow, undefined)
  res.status(200).json({
    workflow_id: transaction.modelId,
    transaction_id: transaction.transactionId,
    rebuild: result,
  })
}
