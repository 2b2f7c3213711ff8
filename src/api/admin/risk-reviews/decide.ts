import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { RISK_REVIEW_MODULE, RiskReviewModuleService } from "../../../modules/risk-review"
import { decideRiskReviewWorkflow, resumeOrderFlow } from "../../../workflows/order-flow"
import { runFlow } from "../../../workflows/flow-runs/run-flow"
import { echoId } from "../../utils/validate-path"

/**
 * Shared by approve and reject: records the decision (409 with the current status when it
 * was already decided), then resumes the order flow's run waiting for it, which carries
 * it out (capture and shipment, or cancellation) and answers with where the flow stands.
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
    await runFlow(req.scope, decideRiskReviewWorkflow, {
      review_id: review.id,
      decision,
      actor_id: req.auth_context.actor_id,
      source: "admin",
      reason: body.reason ?? null,
      note: body.note ?? null,
    })
  } catch (e) {
    // Lost a race with another decision (a second admin, the deadline job).
    const [current] = await service.listRiskReviews({ id: review.id })
    if (current && current.status !== "pending") {
      return conflict(current)
    }
    throw e
  }
  await resumeOrderFlow(req.scope, review.order_id, "review")
  const [decided] = await service.listRiskReviews({ id: review.id })
  const [flow] = await service.listOrderFlows({ order_id: review.order_id })
  res.json({ risk_review: decided, flow: { stage: flow?.stage ?? null } })
}
