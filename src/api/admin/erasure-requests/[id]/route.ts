import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService } from "../../../../modules/customer-lifecycle"
import { erasureCertificate } from "../../../../workflows/privacy/requests"

/** An erasure's certificate (or its progress while it runs). */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const service: CustomerLifecycleModuleService = req.scope.resolve(CUSTOMER_LIFECYCLE_MODULE)
  const [row] = await service.listPrivacyRequests({ id: req.params.id, kind: "erasure" })
  if (!row) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Erasure request ${req.params.id} was not found`)
  }
  res.json({ erasure_request: erasureCertificate(row) })
}
