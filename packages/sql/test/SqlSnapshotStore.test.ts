/**
 * SqlSnapshotStore on both engines: RecentSync against the emulator restarting on the same database (new client, new
 * layers) goes on with a delta; a row that does not decode fails without quoting it; any snapshot round-trips.
 */
import { FetchHttpClient } from "@effect/platform"
import * as HttpApp from "@effect/platform/HttpApp"
import * as SqlClient from "@effect/sql/SqlClient"
import { afterAll, assert, describe, it } from "@effect/vitest"
import {
  Bitrix24,
  ImRecent,
  OperatingBudget,
  RecentSync,
  RequestThrottle,
  RetrySchedule,
  SnapshotStore
} from "@im-recent/client"
import { Emulator, Generator } from "@im-recent/emulator"
import { Arbitrary, DateTime, Effect, Layer, ManagedRuntime, Option, Redacted, Schema, TestClock } from "effect"
import { Migrations, SqlSnapshotStore } from "../src/index.js"
import { dialects, skipNote } from "./support/Databases.js"
import { reopen } from "./support/Reopen.js"

const NOW = "2026-03-02T12:00:00Z"

/** The emulator in the test's context, reached through its web handler; the webhook of each user with `im`. */
const emulator = Effect.gen(function* () {
  const state = Generator.generate({
    ...Generator.defaults(DateTime.unsafeMake(NOW)),
    seed: 1,
    users: 8,
    chats: 14,
    messages: { perChat: 2 },
    locale: "en"
  })
  const service = yield* Emulator.make({ state, startAt: NOW, rateLimit: false, operatingLimit: false })
  const handler = HttpApp.toWebHandlerRuntime(yield* Effect.runtime<never>())(service.app)
  const fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    handler(new Request(input, init))) as typeof globalThis.fetch
  const hooks = yield* Emulator.webhookUrls(service)
  const webhookOf = (userId: number) => {
    const hook = hooks.find((candidate) => candidate.userId === userId && candidate.scopes.includes("im"))
    if (hook === undefined) throw new Error(`user ${userId} has no im webhook`)
    return hook.url
  }
  const transport = (userId: number) =>
    Bitrix24.layerWebhook(Redacted.make(webhookOf(userId)), { retry: RetrySchedule.none }).pipe(
      Layer.orDie,
      Layer.provide(Layer.mergeAll(FetchHttpClient.layer, RequestThrottle.layerIsolated, OperatingBudget.layerIsolated))
    )
  return { fetch, transport }
})

/** One RecentSync step as user 1, with every layer new (a process starting over) on the database at `location`. */
const stepAfterStart = (portal: Effect.Effect.Success<typeof emulator>, location: string, key: string) =>
  Effect.flatMap(RecentSync.RecentSync, (sync) => sync.sync).pipe(
    Effect.provide(
      RecentSync.layer().pipe(
        Layer.provide(SqlSnapshotStore.layer({ key })),
        Layer.provide(ImRecent.layer),
        Layer.provide(Layer.merge(portal.transport(1), reopen(location))),
        Layer.orDie
      )
    ),
    Effect.provideService(FetchHttpClient.Fetch, portal.fetch)
  )

const encoded = Schema.encodeSync(SnapshotStore.Snapshot)
/** The encoded form as JSON keeps it: what a snapshot decoded from a server response always is (no `undefined`). */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value))

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== undefined)(`SqlSnapshotStore on ${dialect.name}${skipNote(dialect)}`, () => {
    it.scoped("RecentSync restarted on the same database goes on with a delta, not a full reload", () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.parse(NOW))
        const portal = yield* emulator
        const database = dialect.fresh()
        yield* Layer.build(database.layer) // creates the database (Postgres)
        const first = yield* stepAfterStart(portal, database.location, "portal/user1")
        assert.deepStrictEqual([first.kind, first.reason], ["full", "initial"])

        // user 2 writes to user 1 while no sync runs
        yield* TestClock.adjust("1 minute")
        yield* Effect.flatMap(Bitrix24.Bitrix24, (bitrix) =>
          bitrix.call("im.message.add", { DIALOG_ID: "1", MESSAGE: "while you were away" }, Schema.Unknown)
        ).pipe(Effect.provide(portal.transport(2)), Effect.provideService(FetchHttpClient.Fetch, portal.fetch))
        yield* TestClock.adjust("1 minute")

        const second = yield* stepAfterStart(portal, database.location, "portal/user1")
        assert.deepStrictEqual([second.kind, second.reason], ["delta", "delta"])
        assert.deepStrictEqual([...second.added, ...second.updated], [2])
        const item = second.snapshot.items.find((candidate) => candidate.id === 2)
        assert.strictEqual(item?.message?.text, "while you were away")
        assert.strictEqual(second.snapshot.items.length, first.snapshot.items.length + second.added.length)

        // another key of the same database is another list: a full load
        const other = yield* stepAfterStart(portal, database.location, "portal/user1/other")
        assert.deepStrictEqual([other.kind, other.reason], ["full", "initial"])
      })
    )

    it.effect("a row that does not decode fails with SnapshotStoreError, never quoting it", () =>
      Effect.gen(function* () {
        yield* Migrations.run
        const store = yield* SqlSnapshotStore.make({ key: "damaged" })
        const sql = yield* SqlClient.SqlClient
        const updatedAt = dialect.name === "pg" ? new Date() : new Date().toISOString()
        for (const data of ['{"items": "Zq8privateChatText"}', "Zq8privateChatText, not JSON"]) {
          yield* sql`DELETE FROM im_recent_snapshot`
          yield* sql`INSERT INTO im_recent_snapshot (key, data, updated_at) VALUES ('damaged', ${data}, ${updatedAt})`
          const error = yield* Effect.flip(store.load)
          assert.instanceOf(error, SnapshotStore.SnapshotStoreError)
          assert.strictEqual(error.operation, "load")
          assert.include(error.message, 'row "damaged" of im_recent_snapshot does not hold a recent-list snapshot')
          assert.notInclude(error.message, "Zq8privateChatText")
        }
        yield* sql`DROP TABLE im_recent_snapshot`
        const missing = yield* Effect.flip(store.load)
        assert.strictEqual(missing.operation, "load")
        assert.include(missing.message, 'reading the row "damaged" of im_recent_snapshot')
      }).pipe(Effect.provide(dialect.fresh().layer))
    )

    // one database for every run of the property (each run saves over the same row)
    let runtime: ManagedRuntime.ManagedRuntime<SqlClient.SqlClient, unknown> | undefined
    const shared = () => {
      runtime ??= ManagedRuntime.make(dialect.fresh().layer)
      return runtime
    }
    afterAll(() => runtime?.dispose())
    it.effect.prop(
      "any snapshot comes back as it was saved (its encoded form, as JSON holds it)",
      [Arbitrary.make(SnapshotStore.Snapshot)],
      ([snapshot]) =>
        Effect.gen(function* () {
          yield* Migrations.run
          const store = yield* SqlSnapshotStore.make({ key: "prop" })
          yield* store.save(snapshot)
          assert.deepStrictEqual(encoded(Option.getOrThrow(yield* store.load)), asJson(encoded(snapshot)))
        }).pipe(Effect.provide(shared())),
      { timeout: 120_000, fastCheck: { numRuns: 30 } }
    )
  })
}
