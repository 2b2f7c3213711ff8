import { ModuleProvider, Modules } from "@medusajs/framework/utils"
import { FailingNotificationProviderService } from "./service"

export { FailingNotificationProviderService } from "./service"

export default ModuleProvider(Modules.NOTIFICATION, {
  services: [FailingNotificationProviderService],
})
