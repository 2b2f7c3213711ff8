import { OmniflowOptions, parseOmniflowOptions } from "../../options"

/**
 * Holds OmniFlow's validated plugin options, so workflows, jobs and routes read the same
 * settings from the container instead of each parsing their own copy.
 */
export default class OmniflowModuleService {
  protected readonly options_: OmniflowOptions

  constructor(_container: Record<string, unknown>, options?: Record<string, unknown>) {
    this.options_ = parseOmniflowOptions(options)
  }

  getOptions(): OmniflowOptions {
    return this.options_
  }
}
