/**
 * Environment the app's medusa-config.ts reads (OMNIFLOW_OPTIONS, test provider switches),
 * set for one spec file. The HTTP runner loads medusa-config.ts before it applies its own
 * `env`, so the variables are set when the file is loaded; they are restored after it.
 * Returns them for the runner's `env` option.
 *
 * @example
 * const env = appEnv({ OMNIFLOW_OPTIONS: JSON.stringify({ orderFlow: { shipAfterMinutes: 0 } }) })
 * medusaIntegrationTestRunner({ inApp: true, env, testSuite: … })
 */
export function appEnv(vars: Record<string, string>): Record<string, string> {
  const previous = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  Object.assign(process.env, vars)
  afterAll(() => {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) {
        delete process.env[k]
      } else {
        process.env[k] = v
      }
    }
  })
  return vars
}
