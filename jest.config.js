const { loadEnv } = require("@medusajs/framework/utils")
loadEnv("test", process.cwd())

const config = {
  transform: {
    "^.+\\.[jt]s$": [
      "@swc/jest",
      {
        jsc: {
          parser: { syntax: "typescript", decorators: true },
          target: "es2021",
        },
      },
    ],
  },
  testEnvironment: "node",
  moduleFileExtensions: ["js", "ts", "json"],
  modulePathIgnorePatterns: ["dist/", "<rootDir>/.medusa/", "<rootDir>/.omniflow/"],
  setupFiles: ["./integration-tests/setup.js"],
  globalSetup: "./integration-tests/global-setup.js",
  globalTeardown: "./integration-tests/global-teardown.js",
}

// One runner per kind of suite: they need different amounts of setup and time.
switch (process.env.TEST_TYPE) {
  case "integration:http":
    config.testMatch = ["**/integration-tests/http/*.spec.[jt]s"]
    config.testTimeout = 240000
    break
  case "integration:cluster":
    config.testMatch = ["**/integration-tests/cluster/*.spec.[jt]s"]
    config.testTimeout = 30 * 60 * 1000
    break
  case "integration:modules":
    config.testMatch = ["**/src/modules/*/__tests__/**/*.spec.[jt]s"]
    config.testPathIgnorePatterns = ["\\.unit\\.spec\\."]
    config.testTimeout = 120000
    break
  case "unit":
  default:
    config.testMatch = ["**/src/**/__tests__/**/*.unit.spec.[jt]s"]
    break
}

module.exports = config
