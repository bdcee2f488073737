/**
 * Child processes of a benchmark: servers (`server.ts`) and measuring workers, each a fresh Node process running a
 * TypeScript file through `tsx`. A child prints one JSON line on stdout when it is ready (a handshake, or a worker's
 * result; other lines are passed on to stderr); servers also answer IPC messages.
 *
 * @since 0.1.0
 */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import type { Handshake, Spec, Stats } from "../server.js"

const benchDir = fileURLToPath(new URL("../../", import.meta.url))

/**
 * A running child.
 *
 * @since 0.1.0
 * @category models
 */
export interface Child<A> {
  /** The first line it printed, parsed. */
  readonly first: A
  readonly process: ChildProcess
  /** Kills it (and waits until it is gone). */
  readonly stop: () => Promise<void>
}

/**
 * How long a child may take to print its first line: a server's handshake, or a worker's result (a whole
 * measurement, minutes on a busy machine).
 *
 * @since 0.1.0
 * @category constants
 */
export const timeouts = { server: 120_000, worker: 1_200_000 } as const

/**
 * Options of {@link start}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly env?: NodeJS.ProcessEnv
  readonly nodeFlags?: ReadonlyArray<string>
  /** Milliseconds until the first line, after which the child is killed and the start fails (default: a worker's). */
  readonly timeoutMs?: number
}

/**
 * Starts `file` (relative to `bench/src`) with `args`, and waits for its first stdout line. Fails, naming the file,
 * when the child cannot be spawned, exits before that line, or does not print it within the timeout (then it is
 * killed).
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = <A>(file: string, args: ReadonlyArray<string>, options: Options = {}): Promise<Child<A>> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...(options.nodeFlags ?? []), "--import", "tsx", fileURLToPath(new URL(`../${file}`, import.meta.url)), ...args],
      { cwd: benchDir, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "inherit", "ipc"] }
    )
    let buffer = ""
    let settled = false
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return exited
      child.kill("SIGTERM")
      // a child that does not end on SIGTERM within 10 s is killed
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000)
      await exited
      clearTimeout(force)
    }
    const fail = (message: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      reject(new Error(`${file}: ${message}`))
    }
    const timeoutMs = options.timeoutMs ?? timeouts.worker
    const timer = setTimeout(() => {
      fail(`no result or handshake line after ${Math.round(timeoutMs / 1000)} s (killed)`)
      child.kill("SIGKILL")
    }, timeoutMs)
    child.once("error", (error) => fail(`cannot be started: ${error.message}`))
    child.stdout!.setEncoding("utf8")
    child.stdout!.on("data", (chunk: string) => {
      if (settled) {
        process.stderr.write(chunk)
        return
      }
      buffer += chunk
      let newline = buffer.indexOf("\n")
      while (!settled && newline !== -1) {
        const line = buffer.slice(0, newline)
        buffer = buffer.slice(newline + 1)
        newline = buffer.indexOf("\n")
        let parsed: A
        try {
          parsed = JSON.parse(line) as A
        } catch {
          // lines that are not JSON (V8's --trace-* output, say) are passed through
          process.stderr.write(`${line}\n`)
          continue
        }
        settled = true
        clearTimeout(timer)
        resolve({ first: parsed, process: child, stop })
      }
    })
    child.once("exit", (code, signal) => fail(`exited (${code ?? signal}) before it was ready`))
  })

/**
 * Runs a worker to completion: its first stdout line is its result.
 *
 * @since 0.1.0
 * @category constructors
 */
export const run = async <A>(file: string, args: ReadonlyArray<string>, options: Options = {}): Promise<A> => {
  const child = await start<A>(file, args, options)
  await child.stop()
  return child.first
}

/**
 * A benchmark server (see `server.ts`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Server extends Child<Handshake> {
  readonly stats: () => Promise<Stats>
}

/**
 * Starts a benchmark server.
 *
 * @since 0.1.0
 * @category constructors
 */
export const server = async (spec: Spec, nodeFlags: ReadonlyArray<string> = []): Promise<Server> => {
  const child = await start<Handshake>("server.ts", [JSON.stringify(spec)], { nodeFlags, timeoutMs: timeouts.server })
  const stats = () =>
    new Promise<Stats>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server.ts: no answer to "stats" within 30 s')), 30_000)
      child.process.once("message", (message) => {
        clearTimeout(timer)
        resolve(message as Stats)
      })
      child.process.send("stats", (error) => {
        if (error !== null) {
          clearTimeout(timer)
          reject(new Error(`server.ts: cannot ask for its stats: ${error.message}`))
        }
      })
    })
  return { ...child, stats }
}
