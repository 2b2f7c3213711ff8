import { LoaderOptions } from "@medusajs/framework/types"
import { parseOmniflowOptions } from "../../../options"

/**
 * Runs while Medusa loads modules: a wrong option stops the boot here, with the option
 * named, rather than surfacing later inside a workflow.
 */
export default async function validateOptionsLoader({ options, container }: LoaderOptions) {
  try {
    parseOmniflowOptions(options)
  } catch (e) {
    const logger = container.resolve("logger") as { error: (m: string) => void }
    logger.error((e as Error).message)
    throw e
  }
}
