/**
 * Drops the databases this run's browser specs left behind (a spec cut off before its
 * cleanup, the seeded template), which matters when DB_HOST names a server that outlives
 * the run, then stops the throwaway PostgreSQL as every suite does.
 */
const { Client } = require("pg")
const baseTeardown = require("../global-teardown")

module.exports = async function browserGlobalTeardown() {
  try {
    const client = new Client({
      host: process.env.DB_HOST,
      port: Number(process.env.DB_PORT),
      user: process.env.DB_USERNAME,
      password: process.env.DB_PASSWORD,
      database: "postgres",
    })
    await client.connect()
    try {
      const { rows } = await client.query(
        "SELECT datname FROM pg_database WHERE datname LIKE 'omniflow\\_browser\\_%' AND datname LIKE $1",
        [`%\\_${process.pid}`]
      )
      for (const { datname } of rows) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)
      }
    } finally {
      await client.end()
    }
  } catch (e) {
    process.stderr.write(`browser suite: could not drop its databases: ${e.message}\n`)
  }
  await baseTeardown()
}
