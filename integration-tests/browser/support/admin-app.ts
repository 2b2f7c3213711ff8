import crypto from "crypto"
import fs from "fs"
import path from "path"
import { ChildProcess, execFile, spawn } from "child_process"
import { promisify } from "util"
import axios from "axios"
import { Client } from "pg"
import { freePort, prepareDatabase } from "../../helpers/server-process"
import { waitFor } from "../../helpers/wait"

/**
 * The app as a shop runs it: the admin dashboard built with `medusa build --admin-only`
 * and served by `medusa start`, on a database migrated and seeded with the demo shop.
 *
 * `medusa start` serves the dashboard from `<working directory>/public/admin` and both
 * `medusa build` variants write into the repository's `.medusa/`, where `npm run build`
 * keeps the plugin. So the dashboard is built and served from a directory of its own under
 * `.omniflow/browser/` that links to the app's sources: nothing in the repository changes,
 * and the server runs the same TypeScript sources as the other suites.
 */
const root = path.resolve(__dirname, "../../..")
const medusaBin = path.join(root, "node_modules", ".bin", "medusa")
const workDir = path.join(root, ".omniflow", "browser")
const logDir = path.join(root, ".omniflow", "test-results")
const run = promisify(execFile)

/** What a server process needs to see of the app; everything else stays out of its directory. */
const APP_ENTRIES = ["package.json", "medusa-config.ts", "tsconfig.json", "src"]

/** Everything the dashboard bundle is made of: a build is reused while none of it changed. */
function adminFingerprint(): string {
  const hash = crypto.createHash("sha256")
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else hash.update(path.relative(root, full)).update(fs.readFileSync(full))
    }
  }
  walk(path.join(root, "src", "admin"))
  for (const file of ["medusa-config.ts", "package-lock.json"]) {
    const full = path.join(root, file)
    if (fs.existsSync(full)) hash.update(file).update(fs.readFileSync(full))
  }
  return hash.digest("hex").slice(0, 16)
}

function linkApp(dir: string) {
  fs.mkdirSync(dir, { recursive: true })
  for (const entry of APP_ENTRIES) {
    fs.symlinkSync(path.join(root, entry), path.join(dir, entry))
  }
}

function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MEDUSA_DISABLE_TELEMETRY: "true", ...extra }
  // Jest's --experimental-vm-modules is not for the CLI.
  delete env.NODE_OPTIONS
  return env
}

/**
 * The directory a server serving the current dashboard runs in, building the dashboard
 * first when its sources changed (≈ 30–60 s). Builds are kept by fingerprint and made in a
 * scratch directory that is renamed into place, so runs that overlap never serve a half
 * written bundle.
 */
export async function ensureAdminApp(): Promise<string> {
  const fingerprint = adminFingerprint()
  const appDir = path.join(workDir, `app-${fingerprint}`)
  if (fs.existsSync(path.join(appDir, "public", "admin", "index.html"))) {
    return appDir
  }
  fs.mkdirSync(workDir, { recursive: true })
  const scratch = fs.mkdtempSync(path.join(workDir, "build-"))
  try {
    linkApp(scratch)
    try {
      await run(medusaBin, ["build", "--admin-only"], {
        cwd: scratch,
        // The bundle a shop deploys: minified, React's production build.
        env: childEnv({ NODE_ENV: "production", LOG_LEVEL: "error" }),
        maxBuffer: 64 * 1024 * 1024,
      })
    } catch (e: any) {
      throw new Error(`medusa build --admin-only failed:\n${e.stdout ?? ""}\n${e.stderr ?? e.message}`)
    }
    fs.mkdirSync(path.join(scratch, "public"))
    fs.renameSync(path.join(scratch, ".medusa", "admin"), path.join(scratch, "public", "admin"))
    try {
      fs.renameSync(scratch, appDir)
    } catch (e: any) {
      // Another run built the same sources meanwhile: its build is as good as this one.
      if (!fs.existsSync(path.join(appDir, "public", "admin", "index.html"))) throw e
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
  pruneOldBuilds(appDir)
  return appDir
}

/** Builds of other sources made over a day ago (a run still serving a recent one is left alone). */
function pruneOldBuilds(keep: string) {
  const dayAgo = Date.now() - 24 * 3600_000
  for (const name of fs.readdirSync(workDir)) {
    const full = path.join(workDir, name)
    if (full !== keep && /^(app|build)-/.test(name) && fs.statSync(full).mtimeMs < dayAgo) {
      fs.rmSync(full, { recursive: true, force: true })
    }
  }
}

const pgConfig = () => ({
  host: process.env.DB_HOST,
  port: Number(process.env.DB_PORT),
  user: process.env.DB_USERNAME,
  password: process.env.DB_PASSWORD,
})

async function withPg<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ ...pgConfig(), database: "postgres" })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/**
 * Databases of this run carry its process id, so runs sharing one PostgreSQL server never
 * touch each other's; the run's global teardown drops what is left.
 */
export const DATABASE_PREFIX = "omniflow_browser_"
const runDatabase = (name: string) => `${DATABASE_PREFIX}${name}_${process.pid}`

/**
 * The migrated and seeded demo shop, made once per run (≈ 30 s) and copied for each spec
 * file with CREATE DATABASE … TEMPLATE (≈ 1 s), so every spec starts from the same shop.
 */
async function seededTemplate(): Promise<string> {
  const name = runDatabase("seed")
  const exists = await withPg(
    async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount! > 0
  )
  if (!exists) {
    // Built under another name and renamed: a run cut off half way leaves no usable template.
    const building = runDatabase("seed_building")
    await prepareDatabase(building, {})
    await withPg((c) => c.query(`ALTER DATABASE ${building} RENAME TO ${name}`))
  }
  return name
}

export type AdminAppOptions = {
  /** OMNIFLOW_OPTIONS of the server (JSON-serialisable plugin options). */
  omniflowOptions?: Record<string, unknown>
  /** Extra environment of the server. */
  env?: Record<string, string>
}

/** One `medusa start` with the built dashboard, on its own copy of the seeded shop. */
export class AdminApp {
  private tether: ChildProcess | null = null
  private database: string | null = null
  port = 0

  constructor(
    /** Names the database and the log file. */
    private readonly name: string,
    private readonly options: AdminAppOptions = {}
  ) {}

  get url() {
    return `http://localhost:${this.port}`
  }

  get logFile() {
    return path.join(logDir, `browser-${this.name}-${this.port}.log`)
  }

  async start() {
    const appDir = await ensureAdminApp()
    const template = await seededTemplate()
    const database = runDatabase(this.name.replace(/[^a-z0-9]+/gi, "_").toLowerCase())
    await withPg(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
      await c.query(`CREATE DATABASE ${database} TEMPLATE ${template}`)
    })
    this.database = database
    this.port = await freePort()

    const { host, port, user, password } = pgConfig()
    const env = childEnv({
      DATABASE_URL: `postgres://${user}:${password}@${host}:${port}/${database}`,
      PORT: String(this.port),
      MEDUSA_DISABLE_ADMIN: "false",
      // Not "production": there the session cookie is Secure, which a browser does not send
      // back over plain http, and the dashboard would be logged out after every login.
      NODE_ENV: "test",
      LOG_LEVEL: process.env.SERVER_LOG_LEVEL ?? "error",
      OMNIFLOW_OPTIONS: JSON.stringify(this.options.omniflowOptions ?? {}),
      ...this.options.env,
    })
    fs.mkdirSync(logDir, { recursive: true })
    const log = fs.openSync(this.logFile, "w")
    const tether = spawn(process.execPath, [path.join(__dirname, "tether.js"), medusaBin, "start"], {
      cwd: appDir,
      env,
      // stdin stays open for the tether: when this process dies, it ends and so does the server.
      stdio: ["pipe", log, log],
    })
    fs.closeSync(log)
    this.tether = tether
    try {
      await waitFor(
        async () => {
          if (tether.exitCode !== null) return "exited"
          const health = await axios.get(`${this.url}/health`, { validateStatus: () => true })
          const app = await axios.get(`${this.url}/app`, { validateStatus: () => true })
          return `${health.status}/${app.status}`
        },
        (s) => s === "200/200" || s === "exited",
        { timeoutMs: 180_000, intervalMs: 500, what: "the server to answer /health and serve /app" }
      )
      if (tether.exitCode !== null) throw new Error(`the server exited with ${tether.exitCode}`)
    } catch (e) {
      const tail = fs.readFileSync(this.logFile, "utf8").split("\n").slice(-40).join("\n")
      throw new Error(`${(e as Error).message}\n--- server log (${this.logFile}) ---\n${tail}`)
    }
  }

  /** Stops the server and drops its database; safe to call whatever state start() reached. */
  async stop() {
    const tether = this.tether
    this.tether = null
    if (tether && tether.exitCode === null) {
      await new Promise<void>((resolve) => {
        tether.once("exit", () => resolve())
        tether.stdin?.end()
        // Its stdin closing is what the tether waits for; a signal is the same request again.
        setTimeout(() => tether.kill("SIGTERM"), 10_000).unref()
      })
    }
    if (this.database) {
      const database = this.database
      this.database = null
      await withPg((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`))
    }
  }
}
