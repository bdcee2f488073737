/**
 * The published executable as users run it once installed: `scripts/bundle.mjs` builds it into a temporary
 * directory, and each test runs `node <dir>/bin.js …` as a child process (no pnpm, npx or tsx in between), stopped
 * as a terminal stops it.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Connection, type EmulatorCommand } from "@im-recent/cli"
import { Effect } from "effect"
import { afterAll, beforeAll } from "vitest"
import { childEnv, cliDir, linesOf, scopedChild } from "./support.js"

const live = { timeout: 90_000 }
const promise = <A>(thunk: () => Promise<A>) => Effect.promise(thunk)

let directory: string
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "im-recent-bin-"))
  execFileSync(process.execPath, ["scripts/bundle.mjs", directory], { cwd: cliDir, stdio: "ignore" })
}, 120_000)
afterAll(() => rmSync(directory, { recursive: true, force: true }))

/** `im-recent <args>` from the bundle, killed when the scope closes whatever happened. */
const bin = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  scopedChild(process.execPath, [join(directory, "bin.js"), ...args], { cwd: directory, env: childEnv(env) })

/** Every stderr line is one message starting with `im-recent: `. */
const assertOwnLines = (stderr: string) => {
  for (const line of linesOf(stderr)) assert.match(line, /^im-recent: /, stderr)
}

describe("the bundled im-recent (live)", () => {
  it.live(
    "watch: Ctrl-C (SIGINT) stops it with status 0; stderr holds only its own one-line messages",
    () =>
      Effect.gen(function* () {
        const run = yield* bin(["watch", "--interval", "1s"])
        yield* promise(() => run.line(/Press Ctrl-C to stop\.$/))
        run.child.kill("SIGINT")
        assert.deepStrictEqual(yield* promise(() => run.exited), { code: 0, signal: null }, run.stderr())
        assertOwnLines(run.stderr())
        assert.deepStrictEqual(linesOf(run.stderr()), [`im-recent: ${Connection.demoNotice}`])
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "emulator: SIGINT and SIGTERM both close the server, then exit 0 with nothing on stderr",
    () =>
      Effect.gen(function* () {
        for (const signal of ["SIGINT", "SIGTERM"] as const) {
          const run = yield* bin(["emulator", "--users", "3", "--chats", "1"])
          const handshake = JSON.parse(yield* promise(() => run.line(/^\{/))) as EmulatorCommand.Handshake
          const url = `${handshake.webhooks[0].url}im.recent.get`
          assert.strictEqual((yield* promise(() => fetch(url))).status, 200)
          run.child.kill(signal)
          assert.deepStrictEqual(yield* promise(() => run.exited), { code: 0, signal: null }, signal)
          assert.strictEqual(run.stderr(), "", signal)
          const after = yield* promise(() =>
            fetch(url).then(
              () => "answered",
              () => "refused"
            )
          )
          assert.strictEqual(after, "refused", `${signal}: the server closed with the process`)
        }
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "a flag it cannot use: one im-recent line and status 2; --help is plain text when piped",
    () =>
      Effect.gen(function* () {
        const refused = yield* bin(["recent", "--since", "2026-13-45T99:00:00+03:00"])
        assert.strictEqual((yield* promise(() => refused.exited)).code, 2)
        assertOwnLines(refused.stderr())
        assert.strictEqual(linesOf(refused.stderr()).length, 1)
        assert.include(refused.stderr(), "month 13 is out of range")

        const help = yield* bin(["recent", "--help"], { COLUMNS: "" })
        assert.strictEqual((yield* promise(() => help.exited)).code, 0)
        assert.notInclude(help.stdout(), "\u001b")
        assert.include(help.stdout(), "  im-recent recent [--skip-openlines]")
      }).pipe(Effect.scoped),
    live
  )
})
