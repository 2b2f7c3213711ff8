/**
 * Gives every test suite a real PostgreSQL: the one named by DB_HOST/DB_PORT if set,
 * otherwise a throwaway embedded server (durability off: the data is dropped anyway).
 * @medusajs/test-utils creates and drops one database per test file on it.
 */
const path = require("path")
const fs = require("fs")
const { startEmbeddedPostgres, tempDataDir } = require("../scripts/lib/embedded-pg")

module.exports = async function globalSetup() {
  if (process.env.DB_HOST) {
    return
  }
  const dir = tempDataDir("omniflow-test-pg-")
  const db = await startEmbeddedPostgres({
    dataDir: path.join(dir, "data"),
    persistent: false,
    fast: true,
    quiet: true,
  })
  // "localhost", not 127.0.0.1: the HTTP test runner enables SSL for any other host.
  process.env.DB_HOST = "localhost"
  process.env.DB_PORT = String(db.port)
  process.env.DB_USERNAME = db.user
  process.env.DB_PASSWORD = db.password
  globalThis.__OMNIFLOW_PG__ = { db, dir }
}
