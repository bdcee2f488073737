/**
 * Debian's `chromium` driven by playwright-core (no browser download): a fresh profile per run, removed afterwards.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { type BrowserContext, chromium } from "playwright-core"

export const executablePath = "/usr/bin/chromium"

/** Why the browser tests cannot run here, or `undefined` when they can. */
export const missing: string | undefined = existsSync(executablePath)
  ? undefined
  : `${executablePath} is not installed (CI installs it: apt-get install -y chromium)`

const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/** A headless Chromium with a fresh `--user-data-dir`, closed (and the profile removed) with the scope. */
export const launch = Effect.acquireRelease(
  Effect.promise(async () => {
    const profile = mkdtempSync(join(tmpdir(), "im-recent-chromium-"))
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args,
      viewport: { width: 800, height: 480 }
    })
    return { context, profile }
  }),
  ({ context, profile }) =>
    Effect.promise(async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    })
).pipe(Effect.map(({ context }): BrowserContext => context))
