import * as SqlClient from "@effect/sql/SqlClient"
import { assert, describe, it } from "@effect/vitest"
import { RecentOrder } from "@im-recent/domain"
import { Chunk, Effect, Fiber, FastCheck as fc, Stream, TestClock } from "effect"
import { Migrations, RecentMirror } from "../src/index.js"
import { dialects, skipNote } from "./support/Databases.js"
import * as Portal from "./support/Portal.js"

/** One list's rows, in position order: `[item_id, data]`. */
const tableOf = (key: RecentMirror.Key) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{
      item_id: string
      position: number
      data: string
    }>`SELECT item_id, position, data FROM im_recent_item WHERE portal = ${key.portal} AND user_id = ${key.userId} ORDER BY position`
    assert.deepStrictEqual(
      rows.map((row) => Number(row.position)),
      rows.map((_, i) => i),
      `positions of ${key.userId} are 0..n-1`
    )
    return rows.map((row) => [row.item_id, row.data] as const)
  }).pipe(Effect.orDie)

/** Every change in the outbox, read in pages as a consumer does. */
const outbox = Effect.gen(function* () {
  const all: Array<RecentMirror.Change> = []
  while (true) {
    const page = yield* RecentMirror.changesAfter(all.at(-1)?.id ?? 0, { limit: 7 })
    if (page.length === 0) return all
    all.push(...page)
  }
}).pipe(Effect.orDie)

/** The rows of a list as replaying the outbox from the start builds them. */
const replay = (changes: ReadonlyArray<RecentMirror.Change>, key: RecentMirror.Key) => {
  const rows = new Map<string, string>()
  for (const change of changes) {
    if (change.portal !== key.portal || change.userId !== key.userId) continue
    if (change.kind === "removed") rows.delete(change.itemId)
    else rows.set(change.itemId, change.data!)
  }
  return rows
}

const assertGapFree = (changes: ReadonlyArray<RecentMirror.Change>) =>
  assert.deepStrictEqual(
    changes.map((change) => change.id),
    changes.map((_, i) => i + 1),
    "outbox ids are 1..N"
  )

/** The mirror of `userId` of the portal, on the database in context. */
const mirrorOf = (portal: Portal.TestPortal, userId: number, options?: RecentMirror.Options) =>
  RecentMirror.make({ fullRefreshEvery: "365 days", ...options }).pipe(Effect.provide(portal.client(userId)))

/**
 * The server's items as JSON values: `data` holds the same fields and values, dates with the server's offsets; its key
 * order is the domain schema's, which may differ from a server build's (26.250 moved `counter`).
 */
const wireOf = (items: ReadonlyArray<unknown>) => items
const parsed = (table: ReadonlyArray<readonly [string, string]>) => table.map(([, data]) => JSON.parse(data) as unknown)

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== undefined)(`RecentMirror on ${dialect.name}${skipNote(dialect)}`, () => {
    const withDb = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) => {
      const { layer } = dialect.fresh()
      return Effect.gen(function* () {
        yield* TestClock.setTime(Portal.START)
        yield* Migrations.run
        return yield* effect
      }).pipe(Effect.provide(layer))
    }

    it.effect("a full load stores each item's wire JSON as the server sent it, the cursor, and ids 1..N", () =>
      withDb(
        Effect.gen(function* () {
          const portal = yield* Portal.make()
          const mirror = yield* mirrorOf(portal, 1)
          assert.deepStrictEqual(mirror.key, { portal: new URL(portal.emulator.publicUrl).host, userId: 1 })
          const sync = yield* mirror.sync
          assert.strictEqual(sync.reason, "initial")
          const raw = yield* portal.rawItems(1)
          assert.isAbove(raw.length, 3)
          const table = yield* tableOf(mirror.key)
          assert.deepStrictEqual(parsed(table), wireOf(raw), "data is the server's JSON")
          assert.deepStrictEqual(
            table.map(([id]) => id),
            raw.map((item) => String((item as { id: unknown }).id))
          )
          const changes = yield* outbox
          assertGapFree(changes)
          assert.deepStrictEqual(
            changes.map((change) => [change.kind, change.itemId]),
            table.map(([id]) => ["added", id])
          )
          assert.deepStrictEqual(sync.changes, changes)
          const sql = yield* SqlClient.SqlClient
          const cursor = yield* sql<{
            sync_date: string
            params: string
          }>`SELECT sync_date, params FROM im_recent_cursor WHERE user_id = 1`
          assert.strictEqual(cursor.length, 1)
          assert.match(cursor[0]!.sync_date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/)
          assert.strictEqual(cursor[0]!.params, "{}")
          // a second sync is a delta that changes nothing
          const again = yield* mirror.sync
          assert.strictEqual(again.reason, "delta")
          assert.deepStrictEqual(again.changes, [])
        })
      )
    )

    it.effect("a delta records what changed; a restart resumes with a delta from the stored cursor and items", () =>
      withDb(
        Effect.gen(function* () {
          const portal = yield* Portal.make()
          const first = yield* mirrorOf(portal, 1)
          yield* first.sync
          const chats = Portal.chatsOf(yield* portal.emulator.portal.state.get, 1)
          const target = chats.find((chat) => chat.chat.type !== "P") ?? chats[0]!
          const author = target.members.find((m) => m !== 1) ?? 1
          yield* TestClock.adjust("1 minute")
          yield* portal.write(author, "im.message.add", {
            DIALOG_ID: Portal.dialogIdFor(target, author),
            MESSAGE: "hello"
          })
          // a new process: nothing in memory, the tables are the snapshot
          const second = yield* mirrorOf(portal, 1)
          const delta = yield* second.sync
          assert.strictEqual(delta.reason, "delta")
          assert.deepStrictEqual(
            delta.changes.map((change) => [change.kind, change.itemId]),
            [["updated", Portal.dialogIdFor(target, 1)]]
          )
          assert.deepStrictEqual(parsed(yield* tableOf(second.key)), wireOf(yield* portal.rawItems(1)))
          assertGapFree(yield* outbox)
        })
      )
    )

    it.effect("a full reload deletes what is gone (hidden) and records the removal", () =>
      withDb(
        Effect.gen(function* () {
          const portal = yield* Portal.make()
          const mirror = yield* mirrorOf(portal, 1)
          const live = yield* Stream.runCollect(Stream.take(mirror.changes, 1)).pipe(Effect.fork)
          yield* mirror.sync
          const table = yield* tableOf(mirror.key)
          const hidden = table[1]![0]
          yield* TestClock.adjust("1 minute")
          yield* portal.write(1, "im.recent.hide", { DIALOG_ID: hidden })
          const delta = yield* mirror.sync
          assert.deepStrictEqual(delta.changes, [], "a delta cannot see a hidden dialog")
          const full = yield* mirror.refresh
          assert.strictEqual(full.reason, "forced")
          assert.deepStrictEqual(
            full.changes.map((change) => [change.kind, change.itemId, change.data]),
            [["removed", hidden, undefined]]
          )
          const after = yield* tableOf(mirror.key)
          assert.deepStrictEqual(parsed(after), wireOf(yield* portal.rawItems(1)))
          const changes = yield* outbox
          assertGapFree(changes)
          assert.deepStrictEqual([...replay(changes, mirror.key).entries()].sort(), [...after].sort())
          const streamed = yield* Fiber.join(live)
          assert.deepStrictEqual(Chunk.toReadonlyArray(streamed), changes.slice(0, 1))
        })
      )
    )

    it.effect(
      "a failed transaction leaves tables, cursor and outbox as they were; the next ids follow with no gap",
      () =>
        withDb(
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const portal = yield* Portal.make()
            const mirror = yield* mirrorOf(portal, 1)
            yield* mirror.sync
            const before = yield* tableOf(mirror.key)
            const cursorBefore = yield* sql`SELECT * FROM im_recent_cursor`
            const outboxBefore = yield* outbox
            // a failure after the items were written, at the outbox insert
            yield* sql.onDialectOrElse({
              pg: () =>
                Effect.zipRight(
                  sql.unsafe(
                    "CREATE FUNCTION im_recent_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql"
                  ),
                  sql.unsafe(
                    "CREATE TRIGGER im_recent_fail BEFORE INSERT ON im_recent_change FOR EACH ROW EXECUTE FUNCTION im_recent_fail()"
                  )
                ),
              orElse: () =>
                sql.unsafe(
                  "CREATE TRIGGER im_recent_fail BEFORE INSERT ON im_recent_change BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
                )
            })
            yield* TestClock.adjust("1 minute")
            for (const chat of Portal.chatsOf(yield* portal.emulator.portal.state.get, 1).slice(0, 3)) {
              const author = chat.members.find((m) => m !== 1) ?? 1
              yield* portal.write(author, "im.message.add", {
                DIALOG_ID: Portal.dialogIdFor(chat, author),
                MESSAGE: "x"
              })
            }
            const failed = yield* Effect.flip(mirror.sync)
            assert.strictEqual(failed._tag, "SnapshotStoreError")
            assert.include(failed.message, "injected failure")
            assert.deepStrictEqual(yield* tableOf(mirror.key), before)
            assert.deepStrictEqual(yield* sql`SELECT * FROM im_recent_cursor`, cursorBefore)
            assert.deepStrictEqual(yield* outbox, outboxBefore)
            yield* sql.unsafe(`DROP TRIGGER im_recent_fail${dialect.name === "pg" ? " ON im_recent_change" : ""}`)
            const retried = yield* mirror.sync
            assert.strictEqual(retried.reason, "delta")
            assert.isAbove(retried.changes.length, 0)
            const changes = yield* outbox
            assertGapFree(changes)
            const after = yield* tableOf(mirror.key)
            assert.deepStrictEqual(parsed(after), wireOf(yield* portal.rawItems(1)))
            assert.deepStrictEqual([...replay(changes, mirror.key).entries()].sort(), [...after].sort())
          })
        )
    )

    type Step =
      | { readonly _tag: "Post"; readonly user: number; readonly chat: number; readonly author: number }
      | { readonly _tag: "Pin"; readonly user: number; readonly chat: number; readonly on: boolean }
      | { readonly _tag: "Hide"; readonly user: number; readonly chat: number }
      | { readonly _tag: "Leave"; readonly user: number; readonly chat: number }
      | { readonly _tag: "Sync"; readonly user: number; readonly full: boolean }
      | { readonly _tag: "Wait"; readonly minutes: number }
    const pick = fc.nat({ max: 1000 })
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ _tag: fc.constant("Post" as const), user: pick, chat: pick, author: pick }) },
      {
        weight: 2,
        arbitrary: fc.record({ _tag: fc.constant("Pin" as const), user: pick, chat: pick, on: fc.boolean() })
      },
      { weight: 1, arbitrary: fc.record({ _tag: fc.constant("Hide" as const), user: pick, chat: pick }) },
      { weight: 1, arbitrary: fc.record({ _tag: fc.constant("Leave" as const), user: pick, chat: pick }) },
      { weight: 4, arbitrary: fc.record({ _tag: fc.constant("Sync" as const), user: pick, full: fc.boolean() }) },
      {
        weight: 2,
        arbitrary: fc.record({ _tag: fc.constant("Wait" as const), minutes: fc.integer({ min: 1, max: 90 }) })
      }
    )

    it.effect.prop(
      "under random list changes and concurrent syncs of several users: each step leaves every list in the server's order at positions 0..n-1, after a full reload the tables equal a full read, replaying the outbox rebuilds them, and a concurrent consumer sees every change once, in order",
      { steps: fc.array(step, { minLength: 3, maxLength: 14 }), seed: fc.integer({ min: 1, max: 500 }) },
      ({ seed, steps }) =>
        withDb(
          Effect.gen(function* () {
            const portal = yield* Portal.make({ seed })
            const users = portal.users.slice(0, 3)
            const mirrors = yield* Effect.forEach(users, (user) => mirrorOf(portal, user))
            // a consumer polling the outbox while the mirrors write
            const seen: Array<RecentMirror.Change> = []
            const consume = Effect.gen(function* () {
              const page = yield* RecentMirror.changesAfter(seen.at(-1)?.id ?? 0, { limit: 5 })
              seen.push(...page)
              return page.length
            }).pipe(Effect.orDie)
            yield* Effect.all(
              mirrors.map((mirror) => mirror.sync),
              { concurrency: "unbounded" }
            ).pipe(Effect.zipLeft(consume, { concurrent: true }))
            for (const s of steps) {
              if (s._tag === "Wait") {
                yield* TestClock.adjust(`${s.minutes} minutes`)
                continue
              }
              const user = users[s.user % users.length]!
              if (s._tag === "Sync") {
                // this user's sync, the others' at the same time, and the consumer
                yield* Effect.all(
                  mirrors.map((mirror, i) =>
                    users[i] === user ? (s.full ? mirror.refresh : mirror.sync) : mirror.sync
                  ),
                  { concurrency: "unbounded" }
                ).pipe(Effect.zipLeft(consume, { concurrent: true }))
                // after every step, each list is stored in the server's order, at positions 0..n-1
                for (const mirror of mirrors) {
                  const items = yield* RecentMirror.items(mirror.key).pipe(Effect.orDie)
                  assert.deepStrictEqual(
                    items.map((item) => item.id),
                    RecentOrder.sort(items).map((item) => item.id)
                  )
                  yield* tableOf(mirror.key)
                }
                continue
              }
              const chats = Portal.chatsOf(yield* portal.emulator.portal.state.get, user)
              if (chats.length === 0) continue
              const chat = chats[s.chat % chats.length]!
              const dialog = Portal.dialogIdFor(chat, user)
              switch (s._tag) {
                case "Post": {
                  const author = chat.members[s.author % chat.members.length]!
                  yield* portal.write(author, "im.message.add", {
                    DIALOG_ID: Portal.dialogIdFor(chat, author),
                    MESSAGE: "step"
                  })
                  break
                }
                case "Pin":
                  yield* portal.write(user, "im.recent.pin", { DIALOG_ID: dialog, PIN: s.on ? "Y" : "N" })
                  break
                case "Hide":
                  yield* portal.write(user, "im.recent.hide", { DIALOG_ID: dialog })
                  break
                case "Leave":
                  if (chat.chat.type !== "P") yield* portal.write(user, "im.chat.leave", { DIALOG_ID: dialog })
                  break
              }
              yield* TestClock.adjust("1 second")
            }
            yield* Effect.all(
              mirrors.map((mirror) => mirror.refresh),
              { concurrency: "unbounded" }
            )
            while ((yield* consume) > 0) {}
            const changes = yield* outbox
            assertGapFree(changes)
            assert.deepStrictEqual(seen, changes, "the concurrent consumer saw every change once, in order")
            for (const mirror of mirrors) {
              const table = yield* tableOf(mirror.key)
              assert.deepStrictEqual(
                parsed(table),
                wireOf(yield* portal.rawItems(mirror.key.userId)),
                `user ${mirror.key.userId}: the table is a full read`
              )
              assert.deepStrictEqual(
                [...replay(changes, mirror.key).entries()].sort(),
                [...table].sort(),
                `user ${mirror.key.userId}: replaying the outbox rebuilds the table`
              )
            }
          })
        ),
      { timeout: 180_000, fastCheck: { numRuns: 10 } }
    )
  })
}
