/**
 * Renewal across PROCESSES: worker processes (test/support/renewChild.ts), each with its own database client and
 * SqlTokenStore layer, share one stored pair whose access token counts as expired. The test waits until every worker
 * has built its layers, releases them all at once and counts the emulator's answers: one token request and no
 * `invalid_grant` with the store's renew, `invalid_grant` for all but one without it (so the test can fail). The
 * emulator listens on a loopback port; everything runs on the real clock, synchronised on the workers' output, with
 * no timed waits.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Path from "node:path"
import * as Readline from "node:readline"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Layer } from "effect"
import { Migrations, SqlTokenStore } from "../src/index.js"
import { dialects, skipNote } from "./support/Databases.js"
import * as Renewal from "./support/Renewal.js"

const WORKERS = 3
const KEY = "portal.example"
const packageDir = Path.resolve(import.meta.dirname, "..")

interface Worker {
  readonly child: ChildProcess
  readonly ready: Promise<void>
  /** The worker's JSON line, once it exited 0. */
  readonly result: Promise<{ readonly ok: boolean; readonly tag?: string; readonly reason?: string }>
}

const startWorker = (env: Record<string, string>): Worker => {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/renewChild.ts"], {
    cwd: packageDir,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"]
  })
  const lines = Readline.createInterface({ input: child.stdout! })
  let stderr = ""
  child.stderr!.on("data", (chunk) => {
    stderr += String(chunk)
  })
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve))
  const ready = new Promise<void>((resolve, reject) => {
    lines.once("line", (line) => (line === "ready" ? resolve() : reject(new Error(`worker said ${line}`))))
    void exited.then((code) => reject(new Error(`worker exited (${code}) before it was ready: ${stderr}`)))
  })
  const result = new Promise<{ ok: boolean }>((resolve, reject) => {
    const collected: Array<string> = []
    lines.on("line", (line) => collected.push(line))
    void exited.then((code) =>
      code === 0 && collected.length > 0
        ? resolve(JSON.parse(collected[collected.length - 1]!))
        : reject(new Error(`worker exited with ${code}: ${stderr}`))
    )
  })
  return { child, ready, result }
}

/** Starts the workers, waits until all are ready, releases them together, and returns their results. */
const race = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync(() => Array.from({ length: WORKERS }, () => startWorker(env))),
    (workers) =>
      Effect.sync(() => {
        for (const worker of workers) worker.child.kill()
      })
  ).pipe(
    Effect.flatMap((workers) =>
      Effect.promise(async () => {
        await Promise.all(workers.map((worker) => worker.ready))
        for (const worker of workers) worker.child.stdin!.write("go\n")
        return Promise.all(workers.map((worker) => worker.result))
      })
    )
  )

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== undefined)(
    `${WORKERS} worker processes sharing one pair on ${dialect.name}${skipNote(dialect)}`,
    () => {
      const run = (hook: "on" | "off") =>
        Effect.gen(function* () {
          const emulator = yield* Renewal.onLoopback
          const database = dialect.fresh()
          // the stored pair is the portal's, but expired a minute ago as far as the workers know
          const expired = DateTime.unsafeMake((yield* DateTime.now).epochMillis - 60_000)
          const sql = yield* Layer.build(database.layer)
          yield* Effect.gen(function* () {
            yield* Migrations.run
            const store = yield* SqlTokenStore.make({ key: KEY })
            yield* store.save(Renewal.pairOf(emulator.credentials, expired))
          }).pipe(Effect.provide(sql))
          const results = yield* race({
            DATABASE: database.location,
            PORTAL_URL: emulator.publicUrl,
            CLIENT_ID: emulator.credentials.clientId,
            CLIENT_SECRET: emulator.credentials.clientSecret,
            USER_ID: String(emulator.credentials.userId),
            TOKEN_KEY: KEY,
            RENEW_HOOK: hook
          })
          const current = yield* emulator.current
          const row = yield* Effect.flatMap(
            SqlClient.SqlClient,
            (client) => client<{ refresh_token: string }>`SELECT refresh_token FROM im_recent_token WHERE key = ${KEY}`
          ).pipe(Effect.provide(sql))
          return { results, counts: emulator.counts, current, row }
        })

      it.scopedLive(
        "with SqlTokenStore's renew: one token request, no invalid_grant, every worker's call made",
        () =>
          Effect.gen(function* () {
            const { results, counts, current, row } = yield* run("on")
            assert.deepStrictEqual(
              results,
              Array.from({ length: WORKERS }, () => ({ ok: true }))
            )
            assert.deepStrictEqual(counts, { tokenRequests: 1, invalidGrant: 0 })
            assert.deepStrictEqual(row, [{ refresh_token: current.refreshToken }])
          }),
        120_000
      )

      // one control is enough to show the harness can fail: on Postgres, whose workers truly run side by side
      if (dialect.name !== "pg") return
      it.scopedLive(
        "control: the same store without renew: invalid_grant for every worker but one",
        () =>
          Effect.gen(function* () {
            const { results, counts } = yield* run("off")
            assert.deepStrictEqual(counts, { tokenRequests: WORKERS, invalidGrant: WORKERS - 1 })
            assert.deepStrictEqual(
              results.filter((result) => !result.ok),
              Array.from({ length: WORKERS - 1 }, () => ({ ok: false, tag: "OAuthError", reason: "invalid_grant" }))
            )
          }),
        120_000
      )
    }
  )
}
