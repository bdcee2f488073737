/**
 * Shared by the CLI tests: recent items to render, the demo portal under the TestClock, and child processes.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { DemoPortal } from "@im-recent/cli"
import { ImRecent } from "@im-recent/client"
import { RecentGet, type RecentItem } from "@im-recent/domain"
import { Chunk, Effect, Layer, Schema, TestClock } from "effect"

export const cliDir = new URL("..", import.meta.url).pathname
export const workspaceDir = new URL("../../..", import.meta.url).pathname

/** The documented `im.recent.get` response (contracts/fixtures, see PROVENANCE.md there), decoded. */
export const documented: RecentGet.Response = Schema.decodeUnknownSync(RecentGet.Response)(
  JSON.parse(readFileSync(new URL("../../../contracts/fixtures/im.recent.get.en.json", import.meta.url), "utf8"))
)

/** The instant the generated test portals' history ends at. */
export const portalNow = Date.parse("2026-02-26T06:00:00Z")

/** The demo portal's layers with the TestClock at {@link portalNow}: its dates are fixed. */
export const demoAtFixedTime = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.zipRight(
    TestClock.setTime(portalNow),
    effect.pipe(
      Effect.provide(
        ImRecent.layer.pipe(Layer.provideMerge(DemoPortal.layerBitrix24()), Layer.provideMerge(DemoPortal.layer))
      )
    )
  )

/** The recent list of the demo portal in context, as its viewer sees it now. */
export const viewerItems: Effect.Effect<
  ReadonlyArray<RecentItem.RecentItem>,
  never,
  DemoPortal.DemoPortal
> = Effect.flatMap(ImRecent.ImRecent, (recent) => recent.get()).pipe(
  Effect.map((result) => result.items),
  Effect.orDie,
  Effect.provide(ImRecent.layer.pipe(Layer.provide(DemoPortal.layerBitrix24())))
)

/** The demo portal's recent list as its viewer sees it, at {@link portalNow}: every kind of item. */
export const portalItems: Effect.Effect<ReadonlyArray<RecentItem.RecentItem>> = demoAtFixedTime(viewerItems)

/** The environment of a child: this process's, without the developer's portal configuration. */
export const childEnv = (extra: Readonly<Record<string, string>> = {}): Record<string, string> => ({
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith("BITRIX24_")
    )
  ),
  FORCE_COLOR: "0",
  ...extra
})

export interface Running {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves with the first complete stdout line matching `pattern` (rejects if the child exits first). */
  readonly line: (pattern: RegExp) => Promise<string>
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

export const start = (
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env?: Record<string, string>; readonly detached?: boolean }
): Running => {
  const child = spawn(command, args, {
    cwd: options.cwd,
    detached: options.detached ?? false,
    stdio: ["ignore", "pipe", "pipe"],
    env: options.env ?? childEnv()
  })
  let stdout = ""
  let stderr = ""
  const waiting = new Set<{ readonly pattern: RegExp; readonly resolve: (line: string) => void }>()
  const check = () => {
    // complete lines only: a line still being written could match early and be read cut short
    const complete = stdout.split("\n").slice(0, -1)
    for (const waiter of waiting) {
      const found = complete.find((line) => waiter.pattern.test(line))
      if (found !== undefined) {
        waiting.delete(waiter)
        waiter.resolve(found)
      }
    }
  }
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
    check()
  })
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal }))
  )
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    line: (pattern) =>
      new Promise<string>((resolve, reject) => {
        waiting.add({ pattern, resolve })
        check()
        void exited.then(() => reject(new Error(`exited before ${pattern}; stdout: ${stdout}; stderr: ${stderr}`)))
      }),
    exited
  }
}

/** {@link start} as a scoped resource: the child is killed when the scope closes, whatever happened. */
export const scopedChild = (...args: Parameters<typeof start>) =>
  Effect.acquireRelease(
    Effect.sync(() => start(...args)),
    (running) =>
      Effect.sync(() => {
        if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill("SIGKILL")
      })
  )

/**
 * `pnpm <args>` from the workspace root in a process group of its own, the whole group killed with the scope: pnpm
 * (and tsx) relay, so the group is stopped as a terminal stops it.
 */
export const pnpmInWorkspace = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.sync(() => start("pnpm", args, { cwd: workspaceDir, detached: true })),
    (running) =>
      Effect.sync(() => {
        try {
          process.kill(-running.child.pid!, "SIGKILL")
        } catch {
          // already gone
        }
      })
  )

/** `im-recent <args>` as a child process (Node with tsx's loader, no relay process), killed with the scope. */
export const cli = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) =>
  scopedChild(process.execPath, ["--import", "tsx", "src/bin.ts", ...args], { cwd: cliDir, env: childEnv(env) })

/** The live (not zombie) processes of a process group, read from /proc. */
const liveMembers = (group: number): ReadonlyArray<number> =>
  readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last ")"
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
        return Number(pgrp) === group && state !== "Z" ? [Number(pid)] : []
      } catch {
        return [] // gone meanwhile
      }
    })

/**
 * Resolves once no process of the group is alive: a process group outlives its leader (pnpm exits before the node
 * process it started has closed its server). Rejects after `limitMs`.
 */
export const groupExited = async (group: number, limitMs = 20_000): Promise<void> => {
  const deadline = Date.now() + limitMs
  while (liveMembers(group).length > 0) {
    if (Date.now() > deadline)
      throw new Error(`process group ${group} still runs after ${limitMs} ms: ${liveMembers(group)}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** The stderr lines of a run (without empty ones). */
export const linesOf = (text: string): ReadonlyArray<string> => text.split("\n").filter((line) => line !== "")

/** One turn of the event loop: lets real I/O (fetch, the emulator) make progress. No time passes. */
export const tick = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/** Waits, letting I/O run, until some fiber sleeps on the TestClock: adjusting before that would be lost. */
export const untilAsleep = Effect.gen(function* () {
  while (Chunk.isEmpty(yield* TestClock.sleeps())) yield* tick
})
