#!/usr/bin/env node
/**
 * `npm test`: the unit, module, HTTP, cluster and browser suites, one after the other (each on its
 * own throwaway embedded PostgreSQL unless DB_HOST is set), then one summary line.
 * `npm test -- <suite> [jest args…]` runs one of them, e.g. `npm test -- browser`.
 */
const path = require("path")
const fs = require("fs")
const { spawnSync } = require("child_process")

const root = path.resolve(__dirname, "..")
const outDir = path.join(root, ".omniflow", "test-results")
fs.mkdirSync(outDir, { recursive: true })

const suites = [
  { name: "unit", type: "unit" },
  { name: "modules", type: "integration:modules" },
  { name: "http", type: "integration:http" },
  // Two servers and a worker on Redis (needs `apt-get install redis-server`).
  { name: "cluster", type: "integration:cluster" },
  // The admin dashboard in Chromium against `medusa start` (needs `apt-get install chromium`).
  { name: "browser", type: "integration:browser", config: "integration-tests/browser/jest.config.js" },
]
const only = process.argv[2]
const extra = process.argv.slice(3)

let passed = 0
let failed = 0
let broken = false
for (const suite of suites) {
  if (only && only !== suite.name) continue
  const outputFile = path.join(outDir, `${suite.name}.json`)
  fs.rmSync(outputFile, { force: true })
  process.stdout.write(`\n=== ${suite.name} tests ===\n`)
  const res = spawnSync(
    process.execPath,
    [
      path.join(root, "node_modules", "jest", "bin", "jest.js"),
      ...(suite.config ? ["--config", path.join(root, suite.config)] : []),
      "--runInBand",
      "--forceExit",
      "--passWithNoTests",
      "--json",
      `--outputFile=${outputFile}`,
      ...extra,
    ],
    {
      cwd: root,
      stdio: "inherit",
      env: {
        ...process.env,
        TEST_TYPE: suite.type,
        NODE_OPTIONS: [process.env.NODE_OPTIONS, "--experimental-vm-modules"].filter(Boolean).join(" "),
        MEDUSA_DISABLE_TELEMETRY: "true",
        LOG_LEVEL: process.env.LOG_LEVEL || "error",
      },
    }
  )
  if (fs.existsSync(outputFile)) {
    const r = JSON.parse(fs.readFileSync(outputFile, "utf8"))
    passed += r.numPassedTests
    failed += r.numFailedTests
    // A file that failed to load has no failed tests, but is a failure all the same.
    const brokenFiles = r.testResults.filter((t) => t.status === "failed" && !t.assertionResults.some((a) => a.status === "failed"))
    failed += brokenFiles.length
  } else {
    // No report at all (the suite's setup failed before any test ran): one failure, so the
    // summary line does not read as a clean run.
    failed += 1
    broken = true
  }
  if (res.status !== 0) broken = true
}

process.stdout.write(`\n${passed} passed, ${failed} failed\n`)
process.exit(broken || failed > 0 ? 1 : 0)
