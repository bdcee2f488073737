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

/** Runs a command to its end and returns the wall time in milliseconds. */
const timeExit = (command: string, args: ReadonlyArray<string>, cwd: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"], env: quiet })
    let stderr = ""
    child.stderr.on("data", (chunk) => {
      stderr += chunk
    })
    child.once("error", reject)
    child.once("exit", (code) =>
      code === 0
        ? resolve(performance.now() - started)
        : reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr}`))
    )
  })

/** Starts the emulator, returns the time until its first stdout line (the handshake), and stops it. */
const timeHandshake = (bin: string, cwd: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(bin, ["emulator", "--port", "0"], { cwd, stdio: ["ignore", "pipe", "ignore"], env: quiet })
    child.once("error", reject)
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    createInterface({ input: child.stdout }).once("line", (line) => {
      const elapsed = performance.now() - started
      if (!line.startsWith('{"baseUrl"')) reject(new Error(`not a handshake: ${line}`))
      child.kill("SIGTERM")
      exited.then(() => resolve(elapsed))
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
