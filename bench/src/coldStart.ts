/**
 * Benchmark 6: how long the `im-recent` executable takes to start, as a user runs it.
 *
 * Full runs pack the packages and install them with npm into a project outside the workspace
 * (`@im-recent/packaging`), then time the installed `node_modules/.bin/im-recent`. The published bin is one
 * bundled file with no dependencies, so quick runs time the same file straight from `packages/cli/dist` after
 * building it, and skip the minute an npm install takes.
 *
 * Contenders, in alternation: `node -e ""` (what Node itself costs), `im-recent --help`, `im-recent emulator`
 * until its handshake line (then SIGTERM), and `tsx src/bin.ts --help` (what `pnpm im-recent` runs in the
 * workspace, unbundled TypeScript).
 *
 * @since 0.1.0
 */
import { execFileSync, spawn } from "node:child_process"
import { rmSync } from "node:fs"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { install, workspaceRoot } from "@im-recent/packaging/Install"
import { interleave, type Summary, summarize } from "./internal/stats.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly rounds: number
  readonly warmup: number
  /** Install the tarballs with npm (full runs) or time the workspace's bundle (quick runs). */
  readonly installed: boolean
}

/**
 * Milliseconds per contender.
 *
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly source: "installed tarball" | "workspace bundle"
  readonly node: Summary
  readonly help: Summary
  readonly emulator: Summary
  readonly tsxHelp: Summary
  /** Per-round ratios. */
  readonly helpOverNode: Summary
  readonly emulatorOverNode: Summary
  readonly tsxOverBundle: Summary
}

const quiet = { ...process.env, NO_COLOR: "1" }

/** How long one timed start may take before it counts as a failure (and its process is killed). */
const startTimeoutMs = 60_000

/** Runs a command to its end and returns the wall time in milliseconds. */
const timeExit = (command: string, args: ReadonlyArray<string>, cwd: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const what = `${command} ${args.join(" ")}`
    const started = performance.now()
    const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"], env: quiet })
    let stderr = ""
    child.stderr.on("data", (chunk) => {
      stderr += chunk
    })
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${what} did not exit within ${startTimeoutMs / 1000} s (killed)`))
    }, startTimeoutMs)
    child.once("error", (error) => {
      clearTimeout(timer)
      reject(new Error(`${what} cannot be started: ${error.message}`))
    })
    child.once("exit", (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(performance.now() - started)
      else reject(new Error(`${what} exited ${code ?? signal}: ${stderr.trim()}`))
    })
  })

/**
 * Starts the emulator, returns the time until its first stdout line (the handshake), and stops it. Fails when it
 * exits before that line, prints something else first, or prints nothing within the timeout.
 */
const timeHandshake = (bin: string, cwd: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const what = `${bin} emulator`
    const started = performance.now()
    const child = spawn(bin, ["emulator", "--port", "0"], { cwd, stdio: ["ignore", "pipe", "pipe"], env: quiet })
    let stderr = ""
    child.stderr.on("data", (chunk) => {
      stderr += chunk
    })
    let settled = false
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    const settle = (outcome: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      outcome()
    }
    const stopThen = (outcome: () => void) => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM")
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000)
      void exited.then(() => {
        clearTimeout(force)
        outcome()
      })
    }
    const timer = setTimeout(
      () =>
        settle(() => {
          child.kill("SIGKILL")
          reject(new Error(`${what}: no handshake line within ${startTimeoutMs / 1000} s (killed)`))
        }),
      startTimeoutMs
    )
    child.once("error", (error) => settle(() => reject(new Error(`${what} cannot be started: ${error.message}`))))
    child.once("exit", (code, signal) =>
      settle(() => reject(new Error(`${what} exited ${code ?? signal} before its handshake: ${stderr.trim()}`)))
    )
    createInterface({ input: child.stdout }).once("line", (line) => {
      const elapsed = performance.now() - started
      settle(() =>
        line.startsWith('{"baseUrl"')
          ? stopThen(() => resolve(elapsed))
          : stopThen(() => reject(new Error(`${what}: not a handshake: ${line}`)))
      )
    })
  })

/**
 * @since 0.1.0
 * @category running
 */
export const run = async (config: Config, log: (message: string) => void): Promise<Result> => {
  const cliDirectory = join(workspaceRoot, "packages", "cli")
  let bin: string
  let cwd: string
  let cleanup = () => {}
  if (config.installed) {
    log("cold start: packing and installing the tarballs with npm (about a minute)")
    const installation = await install()
    bin = installation.bin
    cwd = installation.directory
    cleanup = () => rmSync(installation.directory, { recursive: true, force: true })
  } else {
    execFileSync("pnpm", ["run", "build"], { cwd: cliDirectory, stdio: "ignore" })
    bin = join(cliDirectory, "dist", "bin.js")
    cwd = cliDirectory
  }
  const tsx = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url))
  try {
    const samples = await interleave(
      {
        node: () => timeExit(process.execPath, ["-e", ""], cwd),
        help: () => timeExit(bin, ["--help"], cwd),
        emulator: () => timeHandshake(bin, cwd),
        tsxHelp: () => timeExit(tsx, [join(cliDirectory, "src", "bin.ts"), "--help"], cliDirectory)
      },
      config
    )
    const ratio = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => summarize(a.map((value, i) => value / b[i]!))
    return {
      source: config.installed ? "installed tarball" : "workspace bundle",
      node: summarize(samples.node),
      help: summarize(samples.help),
      emulator: summarize(samples.emulator),
      tsxHelp: summarize(samples.tsxHelp),
      helpOverNode: ratio(samples.help, samples.node),
      emulatorOverNode: ratio(samples.emulator, samples.node),
      tsxOverBundle: ratio(samples.tsxHelp, samples.help)
    }
  } finally {
    cleanup()
  }
}
