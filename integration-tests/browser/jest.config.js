/**
 * The browser suite (`npm test -- browser`): the repository's jest setup (transform, the
 * throwaway PostgreSQL of the global setup) with its own specs, long timeouts and one
 * test file at a time — each file runs its own Medusa server and Chromium.
 */
const path = require("path")
const base = require("../../jest.config")

module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, "../.."),
  testMatch: ["<rootDir>/integration-tests/browser/**/*.spec.[jt]s"],
  testTimeout: 300000,
  maxWorkers: 1,
  // Test names in the output: a screenshot per test is named after it.
  verbose: true,
  globalTeardown: "<rootDir>/integration-tests/browser/global-teardown.js",
}
