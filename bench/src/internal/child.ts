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
 * Starts `file` (relative to `bench/src`) with `args`, and waits for its first stdout line.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = <A>(
  file: string,
  args: ReadonlyArray<string>,
  options: { readonly env?: NodeJS.ProcessEnv; readonly nodeFlags?: ReadonlyArray<string> } = {}
): Promise<Child<A>> =>
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
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM")
      await exited
    }
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
        resolve({ first: parsed, process: child, stop })
      }
    })
    child.once("exit", (code, signal) => {
      if (!settled) {
        settled = true
        reject(new Error(`${file} exited (${code ?? signal}) before it was ready`))
      }
    })
  })

/**
 * Runs a worker to completion: its first stdout line is its result.
 *
 * @since 0.1.0
 * @category constructors
 */
export const run = async <A>(
  file: string,
  args: ReadonlyArray<string>,
  options: { readonly env?: NodeJS.ProcessEnv; readonly nodeFlags?: ReadonlyArray<string> } = {}
): Promise<A> => {
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
  const child = await start<Handshake>("server.ts", [JSON.stringify(spec)], { nodeFlags })
  const stats = () =>
    new Promise<Stats>((resolve) => {
      child.process.once("message", (message) => resolve(message as Stats))
      child.process.send("stats")
    })
  return { ...child, stats }
}
