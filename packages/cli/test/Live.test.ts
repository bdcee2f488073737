/**
 * `im-recent recent` and `im-recent watch` as a user runs them: child processes, on the demo portal and against a
 * spawned `im-recent emulator` standing in for a real portal.
 */
import { createServer as createHttpServer, type Server } from "node:http"
import { createServer } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { Connection, type EmulatorCommand } from "@im-recent/cli"
import { RecentGet } from "@im-recent/domain"
import { Effect, Schema } from "effect"
import { width } from "../src/internal/text.js"
import { cli, linesOf, pnpmInWorkspace } from "./support.js"

const live = { timeout: 90_000 }
const notice = `im-recent: ${Connection.demoNotice}`
const promise = <A>(thunk: () => Promise<A>) => Effect.promise(thunk)

/** A loopback port nothing listens on. */
const closedPort = promise(
  () =>
    new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number }
        server.close(() => resolve(port))
      })
    })
)

/** A loopback HTTP server answering every request with `500 INTERNAL_SERVER_ERROR`, closed with the scope. */
const failingPortal = Effect.acquireRelease(
  promise(
    () =>
      new Promise<{ readonly server: Server; readonly url: string; readonly count: () => number }>((resolve) => {
        let count = 0
        const server = createHttpServer((_, response) => {
          count++
          response.writeHead(500, { "content-type": "application/json" })
          response.end(JSON.stringify({ error: "INTERNAL_SERVER_ERROR", error_description: "Internal server error" }))
        }).listen(0, "127.0.0.1", () => {
          const { port } = server.address() as { port: number }
          resolve({ server, url: `http://127.0.0.1:${port}`, count: () => count })
        })
      })
  ),
  ({ server }) => promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
)

/** One line on stderr, `im-recent: …`, and no stack trace. */
const assertOneLine = (stderr: string): string => {
  const lines = linesOf(stderr)
  assert.strictEqual(lines.length, 1, stderr)
  assert.match(lines[0], /^im-recent: /)
  assert.notMatch(stderr, /\n\s+at /)
  return lines[0]
}

/** `YYYY-MM-DD hh:mm` in Asia/Tokyo (UTC+9, no DST) as epoch milliseconds. */
const tokyoMillis = (text: string) => Date.parse(`${text.replace(" ", "T")}:00+09:00`)

describe("im-recent recent (live)", () => {
  it.live(
    "on a fresh clone: a table of the demo portal, local times, the terminal's width, and one line on stderr",
    () =>
      Effect.gen(function* () {
        const env = { TZ: "Asia/Tokyo", COLUMNS: "90" }
        const table = yield* cli(["recent"], env)
        assert.deepStrictEqual(yield* promise(() => table.exited), { code: 0, signal: null }, table.stderr())
        assert.strictEqual(table.stderr(), `${notice}\n`)
        const lines = table.stdout().trimEnd().split("\n")
        assert.match(lines[0], /^ {3}TITLE +TYPE +LAST MESSAGE +DATE +UNREAD$/)
        for (const line of lines) assert.isAtMost(width(line), 90, line)
        assert.match(
          lines.at(-1)!,
          /^\d+ chats, \d+ with unread messages · \* pinned, • marked unread · times in Asia\/Tokyo$/
        )
        const rows = lines.slice(1, -2)
        assert.isAbove(rows.length, 10)
        assert.strictEqual(lines.at(-2), "")

        // the same portal as JSON (generated anew, from the same seed): the table's dates are its dates in Tokyo time
        const json = yield* cli(["recent", "--json"], env)
        assert.strictEqual((yield* promise(() => json.exited)).code, 0)
        const response = yield* Schema.decodeUnknown(Schema.parseJson(RecentGet.Response))(json.stdout())
        assert.strictEqual(response.result.length, rows.length)
        for (const [i, item] of response.result.entries()) {
          const shown = /(\d{4}-\d\d-\d\d \d\d:\d\d)(?: +(\d+|•))?$/.exec(rows[i])
          assert.isNotNull(shown, rows[i])
          assert.isAtMost(Math.abs(tokyoMillis(shown![1]) - item.message.date.epochMillis), 3 * 60_000, rows[i])
          assert.strictEqual(rows[i].startsWith("*"), item.pinned, rows[i])
        }
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "--json: the response in the wire encoding, decodable with RecentGet.Response; the notice stays on stderr",
    () =>
      Effect.gen(function* () {
        const run = yield* cli(["recent", "--json", "--skip-openlines"])
        assert.strictEqual((yield* promise(() => run.exited)).code, 0, run.stderr())
        assert.strictEqual(run.stderr(), `${notice}\n`)
        const decoded = yield* Schema.decodeUnknown(Schema.parseJson(RecentGet.Response))(run.stdout())
        assert.isAbove(decoded.result.length, 5)
        assert.isFalse(decoded.result.some((item) => item.type === "chat" && item.chat.message_type === "L"))
        assert.match(run.stdout(), /"date_start": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00"/)
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "against a portal (a spawned emulator): a working webhook shows its list; a wrong code is one line, without it",
    () =>
      Effect.gen(function* () {
        const emulator = yield* cli(["emulator", "--users", "5", "--chats", "2", "--locale", "en"])
        const handshake = JSON.parse(yield* promise(() => emulator.line(/^\{/))) as EmulatorCommand.Handshake

        const good = yield* cli(["recent"], { BITRIX24_WEBHOOK_URL: handshake.webhooks[0].url })
        assert.strictEqual((yield* promise(() => good.exited)).code, 0, good.stderr())
        assert.strictEqual(good.stderr(), "")
        assert.match(good.stdout(), /^ {3}TITLE/)

        const wrong = `${handshake.baseUrl}/rest/1/wr0ngc0de4242/`
        for (const command of ["recent", "watch"]) {
          const refused = yield* cli([command], { BITRIX24_WEBHOOK_URL: wrong })
          assert.strictEqual((yield* promise(() => refused.exited)).code, 1, command)
          const line = assertOneLine(refused.stderr())
          assert.match(
            line,
            new RegExp(
              `^im-recent: the portal at ${handshake.baseUrl} refused the credentials: INVALID_CREDENTIALS \\(Invalid request credentials\\).*; check BITRIX24_WEBHOOK_URL$`
            )
          )
          assert.notInclude(refused.stdout() + refused.stderr(), "wr0ngc0de4242")
          assert.strictEqual(refused.stdout(), "")
        }
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "a loopback port nothing listens on: one line at once (no retry), exit status 1, the webhook code masked",
    () =>
      Effect.gen(function* () {
        const port = yield* closedPort
        const run = yield* cli(["recent"], { BITRIX24_WEBHOOK_URL: `http://127.0.0.1:${port}/rest/1/s3cretc0de42/` })
        assert.strictEqual((yield* promise(() => run.exited)).code, 1)
        const line = assertOneLine(run.stderr())
        assert.match(
          line,
          new RegExp(`^im-recent: cannot reach the portal at http://127\\.0\\.0\\.1:${port}: Network error: `)
        )
        assert.include(line, "(nothing listens on that port of this machine: not retried)")
        assert.notInclude(run.stderr() + run.stdout(), "s3cretc0de42")
        assert.strictEqual(run.stdout(), "")
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "a portal failing with a retryable error: one line says it is retrying, even with --log-level none",
    () =>
      Effect.gen(function* () {
        const requests = yield* failingPortal
        const run = yield* cli(["--log-level", "none", "recent"], {
          BITRIX24_WEBHOOK_URL: `${requests.url}/rest/1/s3cretc0de42/`,
          BITRIX24_RETRY_TIMES: "1"
        })
        assert.strictEqual((yield* promise(() => run.exited)).code, 1, run.stderr())
        const lines = linesOf(run.stderr())
        assert.strictEqual(lines.length, 2, run.stderr())
        assert.match(lines[0], /^im-recent: im\.recent\.get failed, retrying up to 1 time: INTERNAL_SERVER_ERROR/)
        assert.match(
          lines[1],
          new RegExp(`^im-recent: the portal at ${requests.url} answered with an error: INTERNAL_SERVER_ERROR`)
        )
        assert.strictEqual(requests.count(), 2)
        assert.notInclude(run.stderr(), "s3cretc0de42")
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "flags and settings that cannot be used: one line, exit status 2, nothing on stdout",
    () =>
      Effect.gen(function* () {
        const cases: ReadonlyArray<readonly [ReadonlyArray<string>, Record<string, string>, RegExp]> = [
          [
            ["recent", "--since", "2026-02-25T18:30:00.000Z"],
            {},
            /--since 2026-02-25T18:30:00\.000Z is refused: after fractional seconds the server drops the offset/
          ],
          [["recent", "--bogus"], {}, /--bogus/],
          [
            ["recent", "--only-openlines", "--skip-dialog"],
            {},
            /--only-openlines cannot be combined with --skip-dialog/
          ],
          [["watch", "--interval", "soon"], {}, /--interval must be a duration/],
          [
            ["recent"],
            { BITRIX24_CLIENT_ID: "app.123" },
            /the portal configuration is incomplete: BITRIX24_PORTAL_URL, /
          ],
          [
            ["recent"],
            { BITRIX24_WEBHOOK_URL: "http://portal.example.com/rest/1/abcdef123456/" },
            /must use https .*rest\/1\/<redacted>\//
          ]
        ]
        yield* Effect.forEach(
          cases,
          ([args, env, expected]) =>
            Effect.gen(function* () {
              const run = yield* cli(args, env)
              assert.strictEqual((yield* promise(() => run.exited)).code, 2, `${args.join(" ")}: ${run.stderr()}`)
              assert.match(assertOneLine(run.stderr()), expected)
              assert.strictEqual(run.stdout(), "")
              assert.notInclude(run.stderr(), "abcdef123456")
            }),
          { concurrency: 3, discard: true }
        )
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "pnpm start from the workspace root shows the demo table",
    () =>
      Effect.gen(function* () {
        const run = yield* pnpmInWorkspace(["--silent", "start"])
        assert.strictEqual((yield* promise(() => run.exited)).code, 0, run.stderr())
        assert.match(run.stdout(), /^ {3}TITLE +TYPE +LAST MESSAGE +DATE +UNREAD\n/)
        assert.match(run.stdout(), /\n\d+ chats, \d+ with unread messages · /)
        assert.include(run.stderr(), notice)
      }).pipe(Effect.scoped),
    live
  )
})

describe("im-recent watch (live)", () => {
  it.live(
    "on the demo portal: a colleague's message shows up as a line, and Ctrl-C exits with status 0",
    () =>
      Effect.gen(function* () {
        const run = yield* cli(["watch", "--interval", "1s"], { COLUMNS: "100" })
        yield* promise(() => run.line(/Press Ctrl-C to stop\.$/))
        // the summary is wrapped to the 100 columns at a space
        const summary = run.stdout().split("\n").slice(0, 2)
        for (const line of summary) assert.isAtMost(width(line), 100, line)
        assert.match(
          summary.join(" "),
          /^Watching \d+ recent chats on https:\/\/demo\.bitrix24\.test \(\d+ with unread messages\), checking every 1s\. Press Ctrl-C to stop\.$/
        )
        const change = yield* promise(() => run.line(/^\d\d:\d\d:\d\d {2}/))
        assert.match(change, /^\d\d:\d\d:\d\d {2}.+ \([A-Za-z ]+\) {2}.+ {2}(\[new\] )?\[\d+ unread\]$/)
        assert.isAtMost(width(change), 100)
        run.child.kill("SIGINT")
        assert.deepStrictEqual(yield* promise(() => run.exited), { code: 0, signal: null })
        assert.strictEqual(run.stderr(), `${notice}\n`)
      }).pipe(Effect.scoped),
    live
  )
})
