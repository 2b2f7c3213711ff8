/**
 * The checkout guard at the database's limit: claims per second on one hot inventory item
 * at 1, 16 and 64 concurrent callers, through the inventory-dedup module itself (no HTTP),
 * beside a raw PostgreSQL conditional UPDATE on one row at the same concurrency.
 *
 *   npm run bench:claims                       # 8 s per figure, 1/16/64 callers
 *   npm run bench:claims -- --seconds 4 --callers 1,16
 *
 * Starts a throwaway embedded PostgreSQL unless DB_HOST is set (see bench/lib/server.ts),
 * migrates and seeds it, then runs bench/lib/claims-run.ts inside the app (`medusa exec`).
 */
import { prepareBenchDatabase, run } from "./lib/server"

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}

async function main() {
  const { env, stop } = await prepareBenchDatabase("omniflow_bench_claims")
  try {
    run(["exec", "./bench/lib/claims-run.ts", arg("seconds") ?? "8", arg("callers") ?? "1,16,64"], { ...env, LOG_LEVEL: "error" }, true)
  } finally {
    await stop()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
