import { MedusaResponse } from "@medusajs/framework/http"
import { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import { CUSTOMER_LIFECYCLE_MODULE, CustomerLifecycleModuleService, Requester } from "../modules/customer-lifecycle"

/**
 * Answers a data-export download: the JSON document as an attachment, for the one who asked
 * for it and nobody else (anyone else gets the same 404 as for an id that does not exist,
 * so ids cannot be probed), 410 once the link has expired (its file is deleted soon after),
 * 409 while it is being prepared or if it failed.
 */
export async function sendDataExport(container: MedusaContainer, res: MedusaResponse, request_id: string, requester: Requester) {
  const service: CustomerLifecycleModuleService = container.resolve(CUSTOMER_LIFECYCLE_MODULE)
  const [request] = await service.listPrivacyRequests({ id: request_id, kind: "export" })
  if (!request || request.requested_by_type !== requester.type || request.requested_by_id !== requester.id) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Data export ${request_id} was not found`)
  }
  if (request.expires_at && new Date(request.expires_at).getTime() <= Date.now()) {
    res.status(410).json({ code: "export_expired", message: "The download link has expired; ask for a new export", expires_at: request.expires_at })
    return
  }
  if (request.state !== "completed" || !request.file_id) {
    res.status(409).json({
      code: "export_not_ready",
      message: request.state === "failed" ? "The data export failed; ask for a new one" : "The data export is being prepared",
      state: request.state,
    })
    return
  }
  const content = await container.resolve(Modules.FILE).getAsBuffer(request.file_id)
  res.setHeader("Content-Type", "application/json; charset=utf-8")
  res.setHeader("Content-Disposition", `attachment; filename="data-export-${request.id}.json"`)
  res.setHeader("Cache-Control", "no-store")
  res.status(200).send(content)
}
