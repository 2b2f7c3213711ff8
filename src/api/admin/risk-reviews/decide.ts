import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"
import { advanceOrderFlow, decideRiskReviewWorkflow } from "../../../workflows/order-flow"
import { echoId } from "../../utils/validate-path"

/**
 * Shared by approve and reject: records the decision (409 with the current status when it
 * was already decided), then carries it out — capture and shipment, or cancellation.
 */
export async function decideRiskReview(
  req: AuthenticatedMedusaRequest,
  res: MedusaResponse,
  decision: "approve" | "reject",
  body: { reason?: string; note?: string }
) {
  const service: RiskReviewModuleService = req.scope.resolve(RISK_REVIEW_MODULE)
  const [review] = await service.listRiskReviews({ id: req.params.id })
  if (!review) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Risk review ${echoId(req.params.id)} was not found`)
  }
  const conflict = (current: { status: string; decided_at?: unknown; decided_by?: unknown }) =>
    res.status(409).json({
      type: "conflict",
      message: `Risk review ${review.id} is already ${current.status}`,
      status: current.status,
      decided_at: current.decided_at ?? null,
      decided_by: current.decided_by ?? null,
    })
  if (review.status !== "pending") {
    return conflict(review)
  }
  try {
    await decideRiskReviewWorkflow(req.scope).run({
      input: {
        review_id: review.id,
        decision,
        actor_id: req.auth_context.actor_id,
        source: "admin",
        reason: body.reason ?? null,
        note: body.note ?? null,
      },
    })
  } catch (e) {
    // Lost a race with another decision (a second admin, the deadline job).
    const [current] = await service.listRiskReviews({ id: review.id })
    if (current && current.status !== "pending") {
      return conflict(current)
    }
    throw e
  }
  const stage = await advanceOrderFlow(req.scope, review.order_id)
  const [decided] = await service.listRiskReviews({ id: review.id })
  res.json({ risk_review: decided, flow: { stage } })
}
