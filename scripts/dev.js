#!/usr/bin/env node
/**
 * `npm run dev`: Medusa + OmniFlow with the admin dashboard, on an embedded PostgreSQL
 * whose data lives in .omniflow/pgdata (kept between runs), unless DATABASE_URL names
 * another server. Migrates, seeds an empty database, makes sure the admin user exists,
 * prints how to log in, then runs `medusa develop`. Ctrl-C stops Medusa, then Postgres.
 */
const path = require("path")
const fs = require("fs")
const crypto = require("crypto")
const { spawn } = require("child_process")
const { Client } = require("pg")
const { startEmbeddedPostgres } = require("./lib/embedded-pg")

const root = path.resolve(__dirname, "..")
const stateDir = path.join(root, ".omniflow")
const medusaBin = path.join(root, "node_modules", ".bin", "medusa")
const ADMIN_EMAIL = process.env.OMNIFLOW_ADMIN_EMAIL || "admin@omniflow.local"
const ADMIN_PASSWORD = process.env.OMNIFLOW_ADMIN_PASSWORD || "omniflow-admin"
const KEY_TITLE = "OmniFlow Storefront"

const started = Date.now()
const say = (m) => process.stdout.write(`[omniflow] ${m}\n`)
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`

function run(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(medusaBin, args, { cwd: root, env, stdio: "inherit" })
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`medusa ${args.join(" ")} exited with ${code}`))
    )
  })
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal)
  } catch {
    child.kill(signal)
  }
}

async function withClient(url, fn) {
  const client = new Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/**
 * Migrating boots Medusa (≈10 s even with nothing to do), so it is skipped when neither
 * the installed Medusa nor any migration or link file changed since the last run.
 */
function migrationFingerprint(databaseUrl) {
  const hash = crypto.createHash("sha256").update(databaseUrl)
  const medusaPkg = path.join(root, "node_modules", "@medusajs", "medusa", "package.json")
  hash.update(fs.existsSync(medusaPkg) ? JSON.parse(fs.readFileSync(medusaPkg, "utf8")).version : "")
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (/migrations|links/.test(full)) hash.update(full).update(fs.readFileSync(full))
    }
  }
  walk(path.join(root, "src", "modules"))
  walk(path.join(root, "src", "links"))
  hash.update(process.env.OMNIFLOW_PLUGINS || "")
  return hash.digest("hex")
}

async function main() {
  fs.mkdirSync(stateDir, { recursive: true })
  const env = { ...process.env, MEDUSA_DISABLE_TELEMETRY: "true", NODE_ENV: process.env.NODE_ENV || "development" }

  let pg = null
  if (!env.DATABASE_URL) {
    const port = Number(env.OMNIFLOW_PG_PORT || 54329)
    say(`starting embedded PostgreSQL on port ${port} (data in .omniflow/pgdata)`)
    pg = await startEmbeddedPostgres({ dataDir: path.join(stateDir, "pgdata"), port, persistent: true })
    if (await pg.ensureDatabase("omniflow")) say("created database omniflow")
    env.DATABASE_URL = pg.url("omniflow")
  } else {
    say("using the PostgreSQL server in DATABASE_URL")
  }
  if (env.REDIS_URL) say("REDIS_URL set: Redis workflow engine, event bus and locking")

  let child = null
  let stopping = false
  const stop = async (code) => {
    if (stopping) return
    stopping = true
    if (child && child.exitCode === null) {
      await new Promise((resolve) => {
        child.once("exit", resolve)
        // `medusa develop` runs the server in a child of its own: signal the whole group.
        killGroup(child, "SIGTERM")
        setTimeout(() => killGroup(child, "SIGKILL"), 10000).unref()
      })
    }
    if (pg) {
      say("stopping PostgreSQL")
      await pg.stop().catch(() => {})
    }
    process.exit(code)
  }
  process.on("SIGINT", () => stop(0))
  process.on("SIGTERM", () => stop(0))

  try {
    const marker = path.join(stateDir, "migrated")
    const fingerprint = migrationFingerprint(env.DATABASE_URL)
    if (!fs.existsSync(marker) || fs.readFileSync(marker, "utf8") !== fingerprint) {
      say("running migrations")
      await run(["db:migrate"], env)
      fs.writeFileSync(marker, fingerprint)
    } else {
      say("migrations up to date")
    }

    const products = await withClient(env.DATABASE_URL, async (c) =>
      Number((await c.query("SELECT count(*)::int AS n FROM product WHERE deleted_at IS NULL")).rows[0].n)
    )
    if (products === 0) {
      say("empty database: seeding the demo shop")
      await run(["exec", "./src/scripts/seed.ts"], env)
    }
    const hasAdmin = await withClient(env.DATABASE_URL, async (c) =>
      (await c.query(`SELECT 1 FROM "user" WHERE email = $1 AND deleted_at IS NULL`, [ADMIN_EMAIL])).rowCount > 0
    )
    if (!hasAdmin) {
      say(`creating admin user ${ADMIN_EMAIL}`)
      await run(["user", "-e", ADMIN_EMAIL, "-p", ADMIN_PASSWORD], env)
    }
    const key = await withClient(env.DATABASE_URL, async (c) =>
      (await c.query(
        `SELECT token FROM api_key WHERE type = 'publishable' AND revoked_at IS NULL AND deleted_at IS NULL
         ORDER BY (title = $1) DESC, created_at LIMIT 1`,
        [KEY_TITLE]
      )).rows[0]?.token
    )

    say(`ready to start Medusa after ${elapsed()}`)
    say("------------------------------------------------------------")
    say(`admin dashboard:      http://localhost:9000/app`)
    say(`admin login:          ${ADMIN_EMAIL} / ${ADMIN_PASSWORD}`)
    say(`publishable API key:  ${key || "(none: create one in the admin)"}`)
    say(`try:                  curl -H "x-publishable-api-key: ${key || "<key>"}" http://localhost:9000/store/products`)
    say("------------------------------------------------------------")

    child = spawn(medusaBin, ["develop"], { cwd: root, env, stdio: "inherit", detached: true })
    child.on("exit", (code) => {
      if (!stopping) stop(code ?? 1)
    })
  } catch (e) {
    say(e.message)
    await stop(1)
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
