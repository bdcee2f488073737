/**
 * Benchmark 7: how long `im-recent emulator --portals N` takes to its handshake, next to the single emulator.
 *
 * Times the workspace's bundled bin (`packages/cli/dist/bin.js`, built first, the file the package publishes) in new
 * processes, in alternation: `im-recent emulator` (one portal) and `im-recent emulator --portals N` for each N, each
 * until its first stdout line (then SIGTERM). Every portal of a fleet is generated at start (30 employees, 20 chats),
 * so the figure to read is the time each extra portal adds: (fleet − single) / (N − 1).
 *
 * @since 0.1.0
 */
import { execFileSync, spawn } from "node:child_process"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { workspaceRoot } from "@im-recent/packaging/Install"
import { interleave, type Summary, summarize } from "./internal/stats.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly rounds: number
  readonly warmup: number
  /** The fleet sizes to time (each at least 2). */
  readonly sizes: ReadonlyArray<number>
}

/**
 * Milliseconds to the handshake: the single emulator's, and per fleet size the fleet's, its ratio to the single one
 * and what each extra portal adds (per-round figures).
 *
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly single: Summary
  readonly fleets: ReadonlyArray<{
    readonly portals: number
    readonly handshake: Summary
    readonly overSingle: Summary
    readonly perExtraPortal: Summary
  }>
}

const quiet = { ...process.env, NO_COLOR: "1" }

/** Starts `bin emulator …args`, returns the time until its first stdout line, and stops it. */
const timeHandshake = (bin: string, args: ReadonlyArray<string>, cwd: string, expected: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [bin, "emulator", "--port", "0", ...args], {
      cwd,
      stdio: ["ignore", "pipe", "ignore"],
      env: quiet
    })
    child.once("error", reject)
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    createInterface({ input: child.stdout }).once("line", (line) => {
      const elapsed = performance.now() - started
      child.kill("SIGTERM")
      exited.then(() =>
        line.startsWith(expected) ? resolve(elapsed) : reject(new Error(`not a handshake: ${line.slice(0, 80)}`))
      )
    })
  })

/**
 * @since 0.1.0
 * @category running
 */
export const run = async (config: Config): Promise<Result> => {
  const cliDirectory = join(workspaceRoot, "packages", "cli")
  execFileSync("pnpm", ["run", "build"], { cwd: cliDirectory, stdio: "ignore" })
  const bin = join(cliDirectory, "dist", "bin.js")
  const contenders: Record<string, () => Promise<number>> = {
    single: () => timeHandshake(bin, [], cliDirectory, '{"baseUrl"')
  }
  for (const size of config.sizes) {
    contenders[`fleet${size}`] = () => timeHandshake(bin, ["--portals", String(size)], cliDirectory, '{"portals"')
  }
  const samples = await interleave(contenders, config)
  const single = samples.single!
  return {
    single: summarize(single),
    fleets: config.sizes.map((size) => {
      const fleet = samples[`fleet${size}`]!
      return {
        portals: size,
        handshake: summarize(fleet),
        overSingle: summarize(fleet.map((value, i) => value / single[i]!)),
        perExtraPortal: summarize(fleet.map((value, i) => (value - single[i]!) / (size - 1)))
      }
    })
  }
}
