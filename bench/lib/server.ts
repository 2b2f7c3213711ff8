/**
 * What the benchmarks share: a throwaway database with migrations and the demo seed, a
 * real `medusa start` or `medusa develop` server on it, a small HTTP client and percentiles.
 */
import path from "path"
import { spawn, ChildProcess, execFileSync } from "child_process"
import { Client } from "pg"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { startEmbeddedPostgres, tempDataDir } = require("../../scripts/lib/embedded-pg")

const root = path.resolve(__dirname, "../..")
const medusaBin = path.join(root, "node_modules", ".bin", "medusa")

export const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}

/** Runs a `medusa` command to its end; `show` passes its output through. */
export function run(args: string[], env: NodeJS.ProcessEnv, show = false) {
  execFileSync(medusaBin, args, { cwd: root, env, stdio: ["ignore", show ? "inherit" : "ignore", "inherit"] })
}

/** `medusa start` (or `medusa develop`, the server a shop tries its sale on first) on `port`. */
export async function startServer(
  env: NodeJS.ProcessEnv,
  port: number,
  args: string[] = [],
  command: "start" | "develop" = "start"
): Promise<ChildProcess> {
  const child = spawn(medusaBin, [command, ...args], {
    cwd: root,
    env: { ...env, PORT: String(port), MEDUSA_DISABLE_ADMIN: "true", LOG_LEVEL: "error" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  })
  const deadline = Date.now() + 120_000
  for (;;) {
    try {
      const r = await fetch(`http://localhost:${port}/health`)
      if (r.ok) return child
    } catch {}
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("server did not start")
    await new Promise((r) => setTimeout(r, 500))
  }
}

export function stopServer(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once("exit", () => resolve())
    try {
      process.kill(-child.pid!, "SIGTERM")
    } catch {
      child.kill("SIGTERM")
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL")
      } catch {}
    }, 10_000).unref()
  })
}

export class Http {
  constructor(private base: string, private headers: Record<string, string>) {}
  async call(method: string, url: string, body?: unknown, extra: Record<string, string> = {}) {
    const res = await fetch(this.base + url, {
      method,
      headers: { "content-type": "application/json", ...this.headers, ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    let json: any = null
    try {
      json = JSON.parse(text)
    } catch {}
    return { status: res.status, body: json, headers: res.headers }
  }
  async ok(method: string, url: string, body?: unknown, extra: Record<string, string> = {}) {
    const r = await this.call(method, url, body, extra)
    if (r.status >= 300) throw new Error(`${method} ${url} → ${r.status} ${JSON.stringify(r.body)}`)
    return r.body
  }
}

export async function inBatches<T>(n: number, size: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < n; i += size) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => fn(i + j)))))
  }
  return out
}


/**
 * A fresh database `name`, migrated and seeded with the demo shop: on the server that
 * DB_HOST/DB_PORT/DB_USERNAME/DB_PASSWORD name, or on a throwaway embedded PostgreSQL.
 */
export async function prepareBenchDatabase(DB: string) {
  let pg: any = null
  let base: { host: string; port: number; user: string; password: string }
  if (process.env.DB_HOST) {
    base = {
      host: process.env.DB_HOST,
      port: Number(process.env.DB_PORT || 5432),
      user: process.env.DB_USERNAME || "postgres",
      password: process.env.DB_PASSWORD || "",
    }
  } else {
    pg = await startEmbeddedPostgres({
      dataDir: path.join(tempDataDir("omniflow-bench-"), "data"),
      persistent: false,
      fast: false,
      quiet: true,
    })
    base = { host: "localhost", port: pg.port, user: pg.user, password: pg.password }
  }
  const admin = new Client({ ...base, database: "postgres" })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`)
  await admin.query(`CREATE DATABASE ${DB}`)
  await admin.end()
  const databaseUrl = `postgres://${base.user}:${base.password}@${base.host}:${base.port}/${DB}`
  const env = { ...process.env, DATABASE_URL: databaseUrl, MEDUSA_DISABLE_TELEMETRY: "true" }

  process.stdout.write("migrating and seeding… ")
  run(["db:migrate"], env)
  run(["exec", "./src/scripts/seed.ts"], env)
  console.log("done")

  return { env, databaseUrl, stop: async () => pg && (await pg.stop()) }
}
