import fs from "fs"
import path from "path"
import { execFileSync } from "child_process"
import { Browser, chromium, Page } from "playwright-core"

/**
 * Debian's chromium driven by playwright-core: nothing is downloaded, the browser is the
 * system's (`apt-get install -y chromium`), or the one CHROMIUM_PATH names.
 */
const root = path.resolve(__dirname, "../../..")
export const SCREENSHOT_DIR = path.join(root, ".omniflow", "screenshots")

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"]
  for (const candidate of candidates) {
    if (candidate && fs.existsSync(candidate)) return candidate
  }
  try {
    return execFileSync("which", ["chromium"], { encoding: "utf8" }).trim()
  } catch {
    throw new Error("No chromium found: install it (apt-get install -y chromium) or set CHROMIUM_PATH")
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // Root in a container has no user namespace for the sandbox, and there is no GPU.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  })
}

/**
 * Signs in through the dashboard's own login form and waits for the dashboard behind it:
 * the session cookie it sets is what every later page and OmniFlow's API calls rely on.
 */
export async function logIn(page: Page, baseUrl: string, credentials: { email: string; password: string }) {
  await page.goto(`${baseUrl}/app/login`)
  await page.getByPlaceholder("Email").fill(credentials.email)
  await page.getByPlaceholder("Password").fill(credentials.password)
  await page.getByRole("button", { name: "Continue with Email" }).click()
  await page.waitForURL((url) => url.pathname.startsWith("/app") && !url.pathname.startsWith("/app/login"))
  // The signed-in admin is named at the bottom of the sidebar.
  await page.getByText(credentials.email).first().waitFor()
}

const slug = (value: string) =>
  value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 100)

/** Saves the whole page as .omniflow/screenshots/<folder>/<name>.png and returns the path. */
export async function saveScreenshot(page: Page, folder: string, name: string): Promise<string> {
  const file = path.join(SCREENSHOT_DIR, slug(folder), `${slug(name)}.png`)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  await page.screenshot({ path: file, fullPage: true })
  return file
}

export function clearScreenshots(folder: string) {
  fs.rmSync(path.join(SCREENSHOT_DIR, slug(folder)), { recursive: true, force: true })
}
