const fs = require("fs")

module.exports = async function globalTeardown() {
  const started = globalThis.__OMNIFLOW_PG__
  if (!started) {
    return
  }
  await started.db.stop()
  fs.rmSync(started.dir, { recursive: true, force: true })
}
