import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

export type StoreDataExportInput = { request_id: string; document: Record<string, unknown> }

export const storeDataExportStepId = "store-data-export-step"

/**
 * Writes the document as a private file of the File module (never public: it is handed out
 * only by the download routes, to the requester, until it expires). Compensation deletes
 * the file, so a run that fails after this leaves no personal data lying around.
 */
export const storeDataExportStep = createStep(
  storeDataExportStepId,
  async ({ request_id, document }: StoreDataExportInput, { container }) => {
    const files = container.resolve(Modules.FILE)
    const file = await files.createFiles({
      filename: `data-export-${request_id}.json`,
      mimeType: "application/json",
      content: Buffer.from(JSON.stringify(document, null, 2), "utf8").toString("base64"),
      access: "private",
    })
    return new StepResponse({ file_id: file.id as string }, file.id as string)
  },
  async (file_id, { container }) => {
    if (!file_id) {
      return
    }
    await container.resolve(Modules.FILE).deleteFiles([file_id])
  }
)
