import fs from "fs"
import path from "path"
import { ChildProcess, execFile, spawn } from "child_process"
import { promisify } from "util"
import { Client } from "pg"
import axios from "axios"
import { waitFor } from "./wait"

/**
 * Real Medusa server processes on a database of their own, for tests that kill a server
 * (SIGKILL of its whole process group) and start another one on the same data.
 */
const root = path.resolve(__dirname, "../..")
const medusaBin = path.join(root, "node_modules", ".bin", "medusa")
const run = promisify(execFile)

const pgConfig = () => ({
  host: process.env.DB_HOST,
  port: Number(process.env.DB_PORT),
  user: process.env.DB_USERNAME,
  password: process.env.DB_PASSWORD,
})

export async function freePort(): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require("../../scripts/lib/embedded-pg").freePort()
}

/** A fresh database, migrated and seeded with the demo shop; returns the server environment. */
export async function prepareDatabase(name: string, omniflowOptions: Record<string, unknown>) {
  const admin = new Client({ ...pgConfig(), database: "postgres" })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const { host, port, user, password } = pgConfig()
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `postgres://${user}:${password}@${host}:${port}/${name}`,
    MEDUSA_DISABLE_ADMIN: "true",
    MEDUSA_DISABLE_TELEMETRY: "true",
    LOG_LEVEL: process.env.SERVER_LOG_LEVEL ?? "error",
    OMNIFLOW_OPTIONS: JSON.stringify(omniflowOptions),
  }
  delete env.NODE_OPTIONS
  await run(medusaBin, ["db:migrate"], { cwd: root, env })
  await run(medusaBin, ["exec", "./src/scripts/seed.ts"], { cwd: root, env })
  return env
}

export async function dropDatabase(name: string) {
  const admin = new Client({ ...pgConfig(), database: "postgres" })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.end()
}

export class ServerProcess {
  private child: ChildProcess | null = null

  constructor(private readonly env: NodeJS.ProcessEnv, readonly port: number) {}

  get url() {
    return `http://localhost:${this.port}`
  }

  /** Where the server's output goes: shown when it fails to start. */
  get logFile() {
    return path.join(root, ".omniflow", "test-results", `server-${this.port}.log`)
  }

  /** `medusa start` in its own process group; resolves once /health answers. */
  async start() {
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true })
    const log = fs.openSync(this.logFile, "a")
    const child = spawn(medusaBin, ["start"], {
      cwd: root,
      env: { ...this.env, PORT: String(this.port) },
      stdio: ["ignore", log, log],
      detached: true,
    })
    fs.closeSync(log)
    this.child = child
    try {
      await waitFor(
        async () => (child.exitCode !== null ? -1 : (await axios.get(`${this.url}/health`)).status),
        (s) => s === 200 || s === -1,
        { timeoutMs: 120000, intervalMs: 250, what: "the server to answer /health" }
      )
      if (child.exitCode !== null) {
        throw new Error(`the server exited with ${child.exitCode}`)
      }
    } catch (e) {
      const tail = fs.readFileSync(this.logFile, "utf8").split("\n").slice(-40).join("\n")
      throw new Error(`${(e as Error).message}\n--- server log (${this.logFile}) ---\n${tail}`)
    }
  }

  /** Kills the whole process group (the CLI and the server it forked) without warning. */
  async kill(signal: NodeJS.Signals = "SIGKILL") {
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null) return
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve())
      try {
        process.kill(-child.pid!, signal)
      } catch {
        resolve()
      }
    })
  }
}
