/**
 * `im-recent mirror` as users run it: a child process (`node --import tsx src/bin.ts`), on a SQLite file and on a
 * throwaway Postgres server (see `@im-recent/sql`'s test support), against the demo portal. Bad databases each give
 * one line on stderr and a non-zero status, never a stack trace nor a password.
 */
import { execFileSync, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, describe, it } from "@effect/vitest"
import { Connection, MirrorCommand } from "@im-recent/cli"
import { Database } from "@im-recent/sql"
import { Effect, Layer, TestContext } from "effect"
import { afterAll, beforeAll } from "vitest"
import * as PostgresServer from "../../sql/test/support/PostgresServer.js"
import { childEnv, cli, cliDir, linesOf, portalItems } from "./support.js"

const live = { timeout: 120_000 }
const promise = <A>(thunk: () => Promise<A>) => Effect.promise(thunk)

/** The demo portal's list (the same generated portal as the child's, its dates aside). */
const demoItems = Effect.provide(portalItems, TestContext.TestContext)

const temporary = () => Fs.mkdtempSync(Path.join(Os.tmpdir(), "im-recent-mirror-cli-"))

/** Runs `im-recent <args>` to its end. */
const runToEnd = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.scoped(
    Effect.gen(function* () {
      const run = yield* cli(args, env)
      const exit = yield* promise(() => run.exited)
      return { ...exit, stdout: run.stdout(), stderr: run.stderr() }
    })
  )

/** What a SQL query answers on the database at `url`. */
const query = <A extends object>(url: string, statement: string) =>
  Effect.scoped(
    Effect.flatMap(Layer.build(Database.layer(url)), (context) =>
      Effect.provide(
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(statement)),
        context
      )
    )
  ).pipe(Effect.orDie)

/** The one stderr line of a refused run: `im-recent: <text>`, no stack trace. */
const oneLine = (result: { readonly stderr: string }) => {
  const lines = linesOf(result.stderr)
  assert.strictEqual(lines.length, 1, result.stderr)
  assert.match(lines[0]!, /^im-recent: /)
  assert.notMatch(result.stderr, /\n\s+at |Error:/, "no stack trace")
  return lines[0]!
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = Net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      server.close(() => resolve(port))
    })
  })

let server: PostgresServer.Server | undefined
const postgresSkip = PostgresServer.unavailableReason()
beforeAll(async () => {
  if (postgresSkip === undefined) server = await PostgresServer.start()
}, 60_000)
afterAll(() => server?.stop())

describe("im-recent mirror (live)", () => {
  it.live(
    "--once on the demo portal: one line, then the SQLite file holds the demo list, its cursor and ids 1..N",
    () =>
      Effect.gen(function* () {
        const file = Path.join(temporary(), "x.db")
        const result = yield* runToEnd(["mirror", "--db", `sqlite:${file}`, "--once"])
        assert.strictEqual(result.code, 0, result.stderr)
        assert.deepStrictEqual(linesOf(result.stderr), [`im-recent: ${Connection.demoNotice}`])
        const expected = (yield* demoItems).length
        const lines = linesOf(result.stdout)
        assert.strictEqual(lines.length, 1, result.stdout)
        assert.match(
          lines[0]!,
          new RegExp(
            `^\\d\\d:\\d\\d:\\d\\d  full \\(initial\\): ${expected} items, ${expected} changed \\(${expected} added\\), \\d+ ms$`
          )
        )
        // what sqlite3 x.db 'select count(*) from im_recent_item' counts
        const count = execFileSync("sqlite3", [file, "select count(*) from im_recent_item"]).toString().trim()
        assert.strictEqual(Number(count), expected)
        const ids = yield* query<{ id: number }>(`sqlite:${file}`, "SELECT id FROM im_recent_change ORDER BY id")
        assert.deepStrictEqual(
          ids.map((row) => Number(row.id)),
          Array.from({ length: expected }, (_, i) => i + 1)
        )
        const cursor = yield* query<{ portal: string; user_id: number }>(
          `sqlite:${file}`,
          "SELECT portal, user_id FROM im_recent_cursor"
        )
        assert.deepStrictEqual(
          cursor.map((row) => [row.portal, Number(row.user_id)]),
          [["demo.bitrix24.test", 1]]
        )
      }),
    live
  )

  it.live(
    "without --once: a line per sync, every --interval, until Ctrl-C (status 0)",
    () =>
      Effect.gen(function* () {
        const file = Path.join(temporary(), "loop.db")
        const run = yield* cli(["mirror", "--db", `sqlite:${file}`, "--interval", "1s"])
        yield* promise(() => run.line(/full \(initial\)/))
        yield* promise(() => run.line(/Press Ctrl-C to stop\.$/))
        yield* promise(() => run.line(/ {2}delta: \d+ items/))
        run.child.kill("SIGINT")
        assert.deepStrictEqual(yield* promise(() => run.exited), { code: 0, signal: null }, run.stderr())
        assert.match(
          linesOf(run.stdout())[1]!,
          /^Mirroring the recent list of user 1 on demo\.bitrix24\.test into sqlite:.*loop\.db, syncing every 1s\. Press Ctrl-C to stop\.$/
        )
      }).pipe(Effect.scoped),
    live
  )

  it.live(
    "an unknown URL scheme: one line naming it and what is accepted, status 2",
    () =>
      Effect.gen(function* () {
        const result = yield* runToEnd(["mirror", "--db", "mysql://root:hunter2@localhost/x", "--once"])
        assert.strictEqual(result.code, 2)
        const line = oneLine(result)
        assert.include(line, 'unsupported scheme "mysql:"')
        assert.include(line, "sqlite:<file>")
        assert.notInclude(result.stderr + result.stdout, "hunter2")
      }),
    live
  )

  it.live(
    "a corrupt SQLite file: one line, status 1",
    () =>
      Effect.gen(function* () {
        const file = Path.join(temporary(), "corrupt.db")
        Fs.writeFileSync(file, "this is not a database, just text ".repeat(200))
        const result = yield* runToEnd(["mirror", "--db", `sqlite:${file}`, "--once"])
        assert.strictEqual(result.code, 1)
        assert.include(oneLine(result), `the database sqlite:${file}: not a SQLite database`)
      }),
    live
  )

  it.live(
    "a read-only SQLite file: one line, status 1 (run as nobody when the tests run as root, who may write anything)",
    () =>
      Effect.gen(function* () {
        const directory = temporary()
        const file = Path.join(directory, "ro.db")
        const made = yield* runToEnd(["mirror", "--db", `sqlite:${file}`, "--once"])
        assert.strictEqual(made.code, 0, made.stderr)
        Fs.chmodSync(file, 0o444)
        Fs.chmodSync(directory, 0o755)
        const asRoot = process.getuid?.() === 0
        const args = ["--import", "tsx", "src/bin.ts", "mirror", "--db", `sqlite:${file}`, "--once"]
        const result = yield* promise(
          () =>
            new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
              const child = spawn(
                asRoot ? "runuser" : process.execPath,
                [...(asRoot ? ["-u", "nobody", "--", process.execPath] : []), ...args],
                { cwd: cliDir, env: childEnv({ HOME: directory }) }
              )
              let stdout = ""
              let stderr = ""
              child.stdout!.on("data", (chunk) => (stdout += chunk))
              child.stderr!.on("data", (chunk) => (stderr += chunk))
              child.on("exit", (code) => resolve({ code, stdout, stderr }))
            })
        )
        assert.strictEqual(result.code, 1, result.stderr)
        assert.include(oneLine(result), `the database sqlite:${file}: cannot be written`)
      }),
    live
  )

  it.live(
    "a Postgres server that does not answer: one line without the password, status 1",
    () =>
      Effect.gen(function* () {
        const port = yield* promise(freePort)
        const result = yield* runToEnd(["mirror", "--db", `postgres://me:hunter2@127.0.0.1:${port}/x`, "--once"])
        assert.strictEqual(result.code, 1)
        const line = oneLine(result)
        assert.include(line, `the database postgres://me:***@127.0.0.1:${port}/x: cannot connect to the server`)
        assert.notInclude(result.stderr + result.stdout, "hunter2")
      }),
    live
  )

  describe.skipIf(postgresSkip !== undefined)(
    `on Postgres${postgresSkip === undefined ? "" : ` — skipped: ${postgresSkip}`}`,
    () => {
      it.live(
        "a wrong password: one line without it, status 1",
        () =>
          Effect.gen(function* () {
            const url = new URL(server!.url)
            url.password = "wrong-password-1234"
            const result = yield* runToEnd(["mirror", "--db", url.toString(), "--once"])
            assert.strictEqual(result.code, 1)
            assert.include(oneLine(result), "the server refused the user name or password")
            assert.notInclude(result.stderr + result.stdout, "wrong-password-1234")
            assert.notInclude(result.stderr + result.stdout, server!.password)
          }),
        live
      )

      it.live(
        "--once on the demo portal: the Postgres database holds the demo list",
        () =>
          Effect.gen(function* () {
            const url = server!.createDatabase(`cli_${process.pid}_${Date.now()}`)
            const result = yield* runToEnd(["mirror", "--db", url, "--once"])
            assert.strictEqual(result.code, 0, result.stderr)
            assert.notInclude(result.stderr + result.stdout, server!.password)
            const expected = (yield* demoItems).length
            const count = yield* query<{ n: string }>(url, "SELECT count(*) AS n FROM im_recent_item")
            assert.strictEqual(Number(count[0]!.n), expected)
          }),
        live
      )
    }
  )
})

describe("im-recent mirror: flags", () => {
  it("--db defaults to a SQLite file in the working directory", () => {
    assert.strictEqual(MirrorCommand.defaultDatabase, "sqlite:./im-recent.db")
    assert.strictEqual(MirrorCommand.defaultDatabase, Database.defaultUrl)
  })
})
