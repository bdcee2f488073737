/**
 * The published executable as users run it once installed: `scripts/bundle.mjs` builds it into a temporary
 * directory, and each test runs `node <dir>/bin.js …` as a child process (no pnpm, npx or tsx in between), stopped
 * as a terminal stops it.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Connection, type EmulatorCommand } from "@im-recent/cli"
import { RecentGet } from "@im-recent/domain"
import { Effect, Schema } from "effect"
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
    "demo mode: recent --json is JSON alone on stdout; the embedded emulator's log lines go to stderr as im-recent lines",
    () =>
      Effect.gen(function* () {
        // a sync date older than 7 days makes the emulator warn (the server clamps it); debug adds a line per call
        const run = yield* bin(["--log-level", "debug", "recent", "--json", "--since", "10d"])
        assert.strictEqual((yield* promise(() => run.exited)).code, 0, run.stderr())
        const decoded = yield* Schema.decodeUnknown(Schema.parseJson(RecentGet.Response))(run.stdout())
        assert.isAbove(decoded.result.length, 0)
        assertOwnLines(run.stderr())
        const lines = linesOf(run.stderr())
        assert.strictEqual(lines[0], `im-recent: ${Connection.demoNotice}`)
        assert.isTrue(
          lines.some((line) => line.startsWith("im-recent: warn: im.recent.get: LAST_SYNC_DATE is older than 7 days")),
          run.stderr()
        )
        assert.isTrue(
          lines.some((line) => line.startsWith("im-recent: debug: REST call") && line.includes("method=im.recent.get")),
          run.stderr()
        )
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "demo mode: watch at --log-level debug prints only its own lines on stdout; the emulator's go to stderr",
    () =>
      Effect.gen(function* () {
        const run = yield* bin(["--log-level", "debug", "watch", "--interval", "1s"])
        yield* promise(() => run.line(/Press Ctrl-C to stop\.$/))
        // the full load and the first delta (1 s later): the emulator logs each call
        const calls = () => linesOf(run.stderr()).filter((line) => line.startsWith("im-recent: debug: REST call"))
        const deadline = Date.now() + 20_000
        while (calls().length < 2 && Date.now() < deadline) {
          yield* promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
        }
        run.child.kill("SIGINT")
        assert.isAtLeast(calls().length, 2, run.stderr())
        assert.strictEqual((yield* promise(() => run.exited)).code, 0, run.stderr())
        assertOwnLines(run.stderr())
        assert.match(linesOf(run.stdout())[0], /^Watching \d+ recent chats on https:\/\/demo\.bitrix24\.test /)
        for (const line of linesOf(run.stdout())) assert.notMatch(line, /level=|REST call|im-recent: /, run.stdout())
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

        // the parser's refusals name the flag, what was wrong and what is accepted
        for (const [args, start] of [
          [["recent", "--since"], "im-recent: --since needs a value. Accepted: ATOM|DURATION: "],
          [
            ["--log-level", "bogus", "recent"],
            "im-recent: --log-level bogus is refused: not one of its values. Accepted: all, "
          ],
          [
            ["emulator", "--locale", "fr"],
            "im-recent: --locale fr is refused: not one of its values. Accepted: ru or en"
          ]
        ] as const) {
          const run = yield* bin(args)
          assert.strictEqual((yield* promise(() => run.exited)).code, 2, args.join(" "))
          assert.strictEqual(linesOf(run.stderr()).length, 1, run.stderr())
          assert.isTrue(run.stderr().startsWith(start), run.stderr())
          assert.strictEqual(run.stdout(), "")
        }

        const help = yield* bin(["recent", "--help"], { COLUMNS: "" })
        assert.strictEqual((yield* promise(() => help.exited)).code, 0)
        assert.notInclude(help.stdout(), "\u001b")
        assert.include(help.stdout(), "  im-recent recent [--skip-openlines]")
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "mirror without its database drivers installed (the bundle alone): one line naming the package to install, status 1; the other commands never load them",
    () =>
      Effect.gen(function* () {
        // nothing but the bundle's own files: the drivers stay outside it, and only chunks that a command loads with
        // import() when it runs (mirror, portals, and what they share) name them; bin.js and what it imports statically
        // never do
        const files = readdirSync(directory, { recursive: true }).map(String)
        const naming = files
          .filter((file) => file.endsWith(".js"))
          .filter((file) => /@effect\/sql-(sqlite-node|pg)/.test(readFileSync(join(directory, file), "utf8")))
        assert.isNotEmpty(naming, "some chunk imports the drivers")
        const reached = new Set<string>()
        const visit = (file: string) => {
          if (reached.has(file)) return
          reached.add(file)
          const text = readFileSync(join(directory, file), "utf8")
          for (const match of text.matchAll(
            /(?:^|[;\n])\s*import\s*(?:[^"'();]*?\sfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g
          )) {
            visit(join(dirname(file), match[1]!))
          }
        }
        visit("bin.js")
        assert.isAbove(reached.size, 1, "bin.js imports chunks statically")
        const statically = naming.filter((file) => reached.has(file))
        assert.deepStrictEqual(statically, [], "bin.js and its static imports never name the drivers")
        for (const [url, driver] of [
          [`sqlite:${join(directory, "x.db")}`, "@effect/sql-sqlite-node"],
          ["postgres://me:hunter2@127.0.0.1:5432/x", "@effect/sql-pg"]
        ] as const) {
          const run = yield* bin(["mirror", "--db", url, "--once"])
          assert.strictEqual((yield* promise(() => run.exited)).code, 1, run.stderr())
          assertOwnLines(run.stderr())
          assert.deepStrictEqual(linesOf(run.stderr()), [
            `im-recent: the database ${url.replace("hunter2", "***")}: its driver is not installed: npm install ${driver}`
          ])
        }
        const help = yield* bin(["mirror", "--help"])
        assert.strictEqual((yield* promise(() => help.exited)).code, 0)
        assert.include(help.stdout(), "im-recent mirror [--db URL] [--once]")
      }).pipe(Effect.scoped),
    live
  )
})
