import http from "http"
import { LoaderOptions } from "@medusajs/framework/types"
import { configManager } from "@medusajs/framework/config"
import { parseOmniflowOptions } from "../../../options"
import { isScrapeAuthorized, omniflowRegistry } from "../../../workflows/flow-runs/prometheus"

/** The inbox gauge is read from the database by the servers' `/metrics`; a worker leaves it out. */
const SERVER_ONLY = /^(# (HELP|TYPE) )?omniflow_inbox_open\b/

/**
 * A process in worker mode loads no API routes, so it has no `GET /metrics`, yet the
 * subscribers, jobs and background steps that end most runs run there. With
 * `metrics.workerPort` and `metrics.token` set, such a process serves its own series on that
 * port, with the same bearer token, so Prometheus scrapes every process as it expects.
 */
export default async function serveWorkerMetricsLoader({ options, container }: LoaderOptions) {
  const { metrics } = parseOmniflowOptions(options)
  if (!metrics.token || !metrics.workerPort || workerMode() !== "worker") {
    return
  }
  const token = metrics.token
  const logger = container.resolve("logger") as { info: (m: string) => void; warn: (m: string) => void }
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ type: "not_found", message: "Not found" }))
      return
    }
    if (!isScrapeAuthorized(req.headers.authorization, token)) {
      res
        .writeHead(401, { "content-type": "application/json", "www-authenticate": 'Bearer realm="omniflow-metrics"' })
        .end(JSON.stringify({ type: "unauthorized", message: "A valid bearer token is required" }))
      return
    }
    omniflowRegistry.metrics().then(
      (text) =>
        res
          .writeHead(200, { "content-type": omniflowRegistry.contentType })
          .end(text.split("\n").filter((line) => !SERVER_ONLY.test(line)).join("\n")),
      () => res.writeHead(500).end()
    )
  })
  server.on("error", (e) => logger.warn(`[omniflow] worker metrics not served on port ${metrics.workerPort}: ${e.message}`))
  // Never what keeps the process alive, nor what delays its shutdown.
  server.listen(metrics.workerPort, () => logger.info(`[omniflow] worker metrics on port ${metrics.workerPort}`)).unref()
}

function workerMode(): string | undefined {
  try {
    return configManager.config.projectConfig.workerMode
  } catch {
    // No app config loaded (a module test): not a worker.
    return undefined
  }
}
