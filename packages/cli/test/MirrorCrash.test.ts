/**
 * Crash safety of `im-recent mirror`: the command is killed with SIGKILL in the middle of a sync's transaction and run
 * again with `--once`; the tables then equal a fresh full `im.recent.get`, and the outbox ids are 1..N with no gap
 * (replaying it rebuilds the table). Against an emulator on a loopback port with a list of about a thousand items,
 * each of which changed since the last sync, so that the transaction is long.
 *
 * "In the middle" is seen from the database:
 * - Postgres: the test holds `LOCK TABLE im_recent_cursor IN SHARE MODE` (reads go on, writes wait) in a transaction
 *   of its own; the mirror writes the items, then waits at its cursor; `pg_locks` shows it waiting. Killed there.
 * - SQLite: a transaction larger than SQLite's page cache spills its pages into the write-ahead log before it
 *   commits; the test kills the command once the log has grown past what the start-up writes. A kill that comes after
 *   the commit (the cursor moved) does not count: the attempt is repeated, up to 6 times, until one lands in the middle.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { NodeHttpServer } from "@effect/platform-node"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, describe, it } from "@effect/vitest"
import { Emulator, Generator, NodeServer } from "@im-recent/emulator"
import { Database } from "@im-recent/sql"
import { Context, DateTime, Effect, Layer } from "effect"
import { afterAll, beforeAll } from "vitest"
import * as PostgresServer from "../../sql/test/support/PostgresServer.js"
import { cli, linesOf } from "./support.js"

const live = { timeout: 300_000 }
const promise = <A>(thunk: () => Promise<A>) => Effect.promise(thunk)
const pause = (millis: number) => promise(() => new Promise((resolve) => setTimeout(resolve, millis)))

let server: PostgresServer.Server | undefined
const postgresSkip = PostgresServer.unavailableReason()
beforeAll(async () => {
  if (postgresSkip === undefined) server = await PostgresServer.start()
}, 60_000)
afterAll(() => server?.stop())

const USER = 1

/** An emulator on a loopback port whose user 1 has about a thousand recent items. */
const emulator = Effect.gen(function* () {
  const state = Generator.generate({
    ...Generator.defaults(DateTime.unsafeMake(Date.now())),
    seed: 7,
    users: 200,
    chats: 1300,
    messages: { perChat: 2 },
    locale: "en"
  })
  const context = yield* Layer.build(
    Emulator.layer({ state, rateLimit: false, operatingLimit: false }).pipe(
      Layer.provide(NodeHttpServer.layer(() => NodeServer.make(), { port: 0, host: "127.0.0.1" }))
    )
  )
  const service = Context.get(context, Emulator.Emulator)
  const hooks = yield* Emulator.webhookUrls(service)
  const webhook = hooks.find((hook) => hook.userId === USER && hook.scopes.includes("im"))!.url
  /** A new message in every chat and dialog of user 1 that someone else can post in: the list's items change. */
  const touchAll = Effect.gen(function* () {
    const live = yield* service.portal.state.get
    const chats = live.chats.filter((chat) => live.relations.some((r) => r.chatId === chat.id && r.userId === USER))
    const add = service.portal.methods.get("im.message.add")!
    for (const chat of chats) {
      const members = live.relations.filter((r) => r.chatId === chat.id).map((r) => r.userId)
      // as another member: a post of user 1's own would mark the chat read, and a read dialog with a fired colleague
      // leaves the list, which only a full load sees
      for (const author of members.filter((m) => m !== USER)) {
        const dialog = chat.type === "P" ? String(members.find((m) => m !== author) ?? author) : `chat${chat.id}`
        const now = yield* DateTime.now
        const posted = yield* Effect.either(
          add.handler({ userId: author, now, state: service.portal.state }, { DIALOG_ID: dialog, MESSAGE: "again" })
        )
        if (posted._tag === "Right") break
      }
    }
  })
  const fullRead = promise(async () => {
    const answer = (await (await fetch(`${webhook}im.recent.get`)).json()) as { result: ReadonlyArray<unknown> }
    return answer.result.map((item) => JSON.stringify(item))
  })
  return { webhook, touchAll, fullRead }
})

const query = <A extends object>(url: string, statement: string) =>
  Effect.scoped(
    Effect.flatMap(Layer.build(Database.layer(url)), (context) =>
      Effect.provide(
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(statement)),
        context
      )
    )
  ).pipe(Effect.orDie)

const cursorOf = (url: string) =>
  Effect.map(query<{ sync_date: string }>(url, "SELECT sync_date FROM im_recent_cursor"), (rows) =>
    rows.map((row) => row.sync_date).join()
  )

/** The tables equal a fresh full read; the outbox is 1..N and replaying it rebuilds the table. */
const assertConsistent = (url: string, fullRead: Effect.Effect<ReadonlyArray<string>>) =>
  Effect.gen(function* () {
    const rows = yield* query<{ item_id: string; data: string }>(
      url,
      "SELECT item_id, data FROM im_recent_item ORDER BY position"
    )
    assert.deepStrictEqual(
      rows.map((row) => JSON.parse(row.data) as unknown),
      (yield* fullRead).map((data) => JSON.parse(data) as unknown),
      "the table is a fresh full read"
    )
    const changes = yield* query<{ id: number | string; item_id: string; kind: string; data: string | null }>(
      url,
      "SELECT id, item_id, kind, data FROM im_recent_change ORDER BY id"
    )
    assert.deepStrictEqual(
      changes.map((change) => Number(change.id)),
      changes.map((_, i) => i + 1),
      "outbox ids are 1..N"
    )
    const replayed = new Map<string, string>()
    for (const change of changes) {
      if (change.kind === "removed") replayed.delete(change.item_id)
      else replayed.set(change.item_id, change.data!)
    }
    assert.deepStrictEqual(
      [...replayed.entries()].sort(),
      rows.map((row) => [row.item_id, row.data] as [string, string]).sort(),
      "replaying the outbox rebuilds the table"
    )
    return changes.length
  })

const once = (url: string, webhook: string) =>
  Effect.scoped(
    Effect.gen(function* () {
      const run = yield* cli(["mirror", "--db", url, "--once"], { BITRIX24_WEBHOOK_URL: webhook })
      const exit = yield* promise(() => run.exited)
      assert.strictEqual(exit.code, 0, run.stderr())
      return linesOf(run.stdout())
    })
  )

describe("im-recent mirror: SIGKILL in the middle of a sync (live)", () => {
  it.live(
    "SQLite: killed while its transaction spills into the write-ahead log, restarted with --once",
    () =>
      Effect.gen(function* () {
        const portal = yield* emulator
        const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "im-recent-crash-"))
        const file = Path.join(directory, "mirror.db")
        const url = `sqlite:${file}`
        const first = yield* once(url, portal.webhook)
        assert.match(first[0]!, /full \(initial\): \d{3,} items/)
        const items = (yield* portal.fullRead).length
        assert.isAbove(items, 700, "a list long enough for a transaction larger than the page cache")
        let landed = 0
        for (let attempt = 0; attempt < 6 && landed === 0; attempt++) {
          yield* portal.touchAll
          const before = yield* cursorOf(url)
          const wal = `${file}-wal`
          const run = yield* cli(["mirror", "--db", url, "--once"], { BITRIX24_WEBHOOK_URL: portal.webhook })
          // the start-up writes (migrations' check, the probe) are a few pages; the delta's are megabytes
          let grew = false
          while (run.child.exitCode === null) {
            const size = Fs.existsSync(wal) ? Fs.statSync(wal).size : 0
            if (size > 1_000_000) {
              run.child.kill("SIGKILL")
              grew = true
              break
            }
            yield* pause(2)
          }
          yield* promise(() => run.exited)
          const after = yield* cursorOf(url)
          if (grew && after === before && linesOf(run.stdout()).length === 0) landed++
        }
        assert.strictEqual(landed, 1, "a kill landed in the middle of a transaction")
        const restarted = yield* once(url, portal.webhook)
        assert.match(restarted[0]!, /delta: \d+ items, \d+ changed/)
        yield* assertConsistent(url, portal.fullRead)
      }).pipe(Effect.scoped),
    live
  )

  describe.skipIf(postgresSkip !== undefined)(
    `Postgres${postgresSkip === undefined ? "" : ` — skipped: ${postgresSkip}`}`,
    () => {
      it.live(
        "killed while it waits at its cursor with the items written, restarted with --once",
        () =>
          Effect.gen(function* () {
            const portal = yield* emulator
            const url = server!.createDatabase(`crash_${process.pid}_${Date.now()}`)
            yield* once(url, portal.webhook)
            yield* portal.touchAll
            const before = yield* cursorOf(url)
            // a transaction of the test's own holds the cursor table against writes
            const context = yield* Layer.build(Database.layer(url)).pipe(Effect.orDie)
            const sql = Context.get(context, SqlClient.SqlClient)
            const holder = yield* sql.reserve.pipe(Effect.orDie)
            yield* holder.executeRaw("BEGIN", []).pipe(Effect.orDie)
            yield* holder.executeRaw("LOCK TABLE im_recent_cursor IN SHARE MODE", []).pipe(Effect.orDie)
            const run = yield* cli(["mirror", "--db", url, "--once"], { BITRIX24_WEBHOOK_URL: portal.webhook })
            const waiting = () =>
              Effect.map(
                holder.execute(
                  "SELECT count(*) AS n FROM pg_locks l JOIN pg_class c ON l.relation = c.oid WHERE c.relname = 'im_recent_cursor' AND NOT l.granted",
                  [],
                  undefined
                ),
                (rows) => Number((rows as ReadonlyArray<{ n: string }>)[0]!.n)
              ).pipe(Effect.orDie)
            const deadline = Date.now() + 120_000
            while ((yield* waiting()) === 0) {
              assert.isNull(run.child.exitCode, `the mirror ended before it reached its cursor: ${run.stderr()}`)
              assert.isBelow(Date.now(), deadline, "the mirror never reached its cursor")
              yield* pause(10)
            }
            run.child.kill("SIGKILL")
            yield* promise(() => run.exited)
            yield* holder.executeRaw("ROLLBACK", []).pipe(Effect.orDie)
            // the killed client's transaction is rolled back by the server once it sees the connection closed
            const busy = holder
              .execute(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL",
                [],
                undefined
              )
              .pipe(
                Effect.map((rows) => Number((rows as ReadonlyArray<{ n: string }>)[0]!.n)),
                Effect.orDie
              )
            while ((yield* busy) > 0) yield* pause(20)
            assert.strictEqual(yield* cursorOf(url), before, "the killed sync left its cursor as it was")
            assert.strictEqual(linesOf(run.stdout()).length, 0)
            const restarted = yield* once(url, portal.webhook)
            assert.match(restarted[0]!, /delta: \d+ items, \d+ changed/)
            yield* assertConsistent(url, portal.fullRead)
          }).pipe(Effect.scoped),
        live
      )
    }
  )
})
