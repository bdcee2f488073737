import { assert, describe, it } from "@effect/vitest"
import { ImRecent, RecentSync, SnapshotStore } from "@im-recent/client"
import { AtomDateTime, RecentGet } from "@im-recent/domain"
import { Chunk, DateTime, Effect, Fiber, Layer, Option, Schema, Stream, TestClock } from "effect"
import * as Msw from "./support/Msw.js"

const template = Msw.fixture<Msw.WireGet>("im.recent.get.en.json").result[0]!

/** A wire chat item updated (and with its last message) at `date`. */
const chatItem = (n: number, date: string, text = `message ${n}`, pinned = false) => {
  const item = structuredClone(template)
  item.id = `chat${n}`
  item.chat_id = n
  item.chat.id = n
  item.pinned = pinned
  item.date_update = date
  item.date_last_activity = date
  item.message = { ...item.message, id: n * 10, text, date }
  return item
}

/**
 * A portal that serves `im.recent.get` from a mutable item list like the server does: with a sync
 * date, the items whose `date_update` is at or after it; `date_start` is the current server time
 * (`+03:00`).
 */
const syncingPortal = (state: { items: Array<Msw.WireItem>; now: string }) =>
  Msw.fakePortal((request) => {
    const since = request.json.LAST_SYNC_DATE as string | undefined
    const sinceMillis = since === undefined ? undefined : Date.parse(since)
    const items =
      sinceMillis === undefined ? state.items : state.items.filter((i) => Date.parse(i.date_update) >= sinceMillis)
    const start = Date.parse(state.now) / 1000
    return Msw.ok(items, { ...Msw.time(start), date_start: state.now, date_finish: state.now })
  })

const syncLayer = (
  portal: Msw.FakePortal,
  options?: RecentSync.Options,
  store?: Layer.Layer<SnapshotStore.SnapshotStore>
) =>
  RecentSync.layer(options).pipe(
    Layer.provide(store ?? SnapshotStore.layerMemory()),
    Layer.provide(ImRecent.layer),
    Layer.provide(Msw.webhookLayer(portal))
  )

const T0 = "2026-02-26T10:00:00+03:00"

describe("RecentSync", () => {
  it.effect("full load first, then deltas from the previous time.date_start, merged in the server's order", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse(T0))
      const state = {
        items: [chatItem(1, "2026-02-26T09:00:00+03:00"), chatItem(2, "2026-02-26T09:30:00+03:00")],
        now: T0
      }
      const portal = yield* syncingPortal(state)
      const program = Effect.gen(function* () {
        const sync = yield* RecentSync.RecentSync
        const first = yield* sync.sync
        assert.strictEqual(first.kind, "full")
        assert.strictEqual(first.reason, "initial")
        assert.deepStrictEqual(first.added, ["chat1", "chat2"]) // in the order the server sent them
        assert.deepStrictEqual(
          first.snapshot.items.map((i) => i.id),
          ["chat2", "chat1"]
        )

        // chat1 gets a new message and becomes the newest; chat3 appears; chat2 is untouched
        state.items = [
          chatItem(1, "2026-02-26T10:02:00+03:00", "new text"),
          state.items[1],
          chatItem(3, "2026-02-26T10:01:00+03:00")
        ]
        state.now = "2026-02-26T10:05:00+03:00"
        yield* TestClock.adjust("5 minutes")
        const second = yield* sync.sync
        assert.strictEqual(second.kind, "delta")
        assert.deepStrictEqual(second.added, ["chat3"])
        assert.deepStrictEqual(second.updated, ["chat1"])
        assert.deepStrictEqual(second.removed, [])
        assert.deepStrictEqual(
          second.snapshot.items.map((i) => i.id),
          ["chat1", "chat3", "chat2"]
        )
        assert.strictEqual(second.snapshot.items[0]!.message.text, "new text")
        assert.strictEqual(AtomDateTime.format(second.snapshot.syncDate), "2026-02-26T10:05:00+03:00")

        // nothing changed: the boundary item may come back, but nothing is reported
        state.now = "2026-02-26T10:06:00+03:00"
        const third = yield* sync.sync
        assert.strictEqual(third.kind, "delta")
        assert.deepStrictEqual([third.added, third.updated], [[], []])
      })
      yield* program.pipe(Effect.provide(syncLayer(portal)))
      assert.deepStrictEqual(
        portal.requests.map((r) => r.json),
        [{}, { LAST_SYNC_DATE: T0 }, { LAST_SYNC_DATE: "2026-02-26T10:05:00+03:00" }]
      )
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("reloads in full periodically (deltas cannot see hidden chats) and reports removals", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse(T0))
      const state = {
        items: [chatItem(1, "2026-02-26T09:00:00+03:00"), chatItem(2, "2026-02-26T09:10:00+03:00")],
        now: T0
      }
      const portal = yield* syncingPortal(state)
      const program = Effect.gen(function* () {
        const sync = yield* RecentSync.RecentSync
        yield* sync.sync
        state.items = [state.items[1]] // chat1 hidden: a delta cannot tell
        state.now = "2026-02-26T10:30:00+03:00"
        yield* TestClock.adjust("30 minutes")
        const delta = yield* sync.sync
        assert.strictEqual(delta.kind, "delta")
        assert.deepStrictEqual(
          delta.snapshot.items.map((i) => i.id),
          ["chat2", "chat1"]
        )
        state.now = "2026-02-26T11:00:00+03:00"
        yield* TestClock.adjust("30 minutes")
        const full = yield* sync.sync
        assert.strictEqual(full.kind, "full")
        assert.strictEqual(full.reason, "periodic")
        assert.deepStrictEqual(full.removed, ["chat1"])
        assert.deepStrictEqual(
          full.snapshot.items.map((i) => i.id),
          ["chat2"]
        )
      })
      yield* program.pipe(Effect.provide(syncLayer(portal, { fullRefreshEvery: "1 hour" })))
      assert.deepStrictEqual(
        portal.requests.map((r) => r.json),
        [{}, { LAST_SYNC_DATE: T0 }, {}]
      )
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect(
    "a persisted sync date older than 7 days on the portal's clock: the delta's own server time sends it to a full reload",
    () =>
      Effect.gen(function* () {
        const state = { items: [chatItem(1, "2026-02-26T09:00:00+03:00")], now: T0 }
        const portal = yield* syncingPortal(state)
        const stale: SnapshotStore.Snapshot = {
          items: [],
          syncDate: DateTime.unsafeMakeZoned("2026-02-18T09:00:00Z", { timeZone: DateTime.zoneMakeOffset(0) }),
          fullAt: DateTime.unsafeMake("2026-02-18T09:00:00Z")
        }
        // the local clock is a week behind the portal: only the server's time can tell the snapshot is too old
        yield* TestClock.setTime(Date.parse(T0) - 7 * 86_400_000)
        const change = yield* Effect.flatMap(RecentSync.RecentSync, (s) => s.sync).pipe(
          Effect.provide(syncLayer(portal, { fullRefreshEvery: "30 days" }, SnapshotStore.layerMemory(stale)))
        )
        assert.strictEqual(change.reason, "stale")
        assert.deepStrictEqual(
          portal.requests.map((r) => r.json),
          [{ LAST_SYNC_DATE: "2026-02-18T09:00:00+00:00" }, {}]
        )
      }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("after a response, a delta that is certainly too old is skipped: server time plus elapsed time", () =>
    Effect.gen(function* () {
      const state = { items: [chatItem(1, "2026-02-26T09:00:00+03:00")], now: T0 }
      const portal = yield* syncingPortal(state)
      // the local clock is 2 days ahead of the portal
      yield* TestClock.setTime(Date.parse(T0) + 2 * 86_400_000)
      const program = Effect.gen(function* () {
        const sync = yield* RecentSync.RecentSync
        yield* sync.sync
        state.now = "2026-03-05T09:00:00+03:00" // 6 days 23 hours later
        yield* TestClock.adjust("167 hours")
        const second = yield* sync.sync
        assert.strictEqual(second.kind, "full")
        assert.strictEqual(second.reason, "stale")
      })
      yield* program.pipe(Effect.provide(syncLayer(portal, { fullRefreshEvery: "30 days" })))
      assert.deepStrictEqual(
        portal.requests.map((r) => r.json),
        [{}, {}]
      )
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("a delta the server clamped is followed by a full reload", () =>
    Effect.gen(function* () {
      const state = { items: [chatItem(1, "2026-02-26T09:00:00+03:00")], now: T0 }
      const portal = yield* syncingPortal(state)
      const old: SnapshotStore.Snapshot = {
        items: [],
        syncDate: DateTime.unsafeMakeZoned("2026-02-18T12:00:00Z", { timeZone: DateTime.zoneMakeOffset(0) }),
        fullAt: DateTime.unsafeMake("2026-02-18T12:00:00Z")
      }
      yield* TestClock.setTime(Date.parse(T0))
      const change = yield* Effect.flatMap(RecentSync.RecentSync, (s) => s.sync).pipe(
        Effect.provide(
          syncLayer(portal, { fullRefreshEvery: "30 days", maxDeltaAge: "10 days" }, SnapshotStore.layerMemory(old))
        )
      )
      assert.strictEqual(change.kind, "full")
      assert.strictEqual(change.reason, "stale")
      assert.deepStrictEqual(
        portal.requests.map((r) => r.json),
        [{ LAST_SYNC_DATE: "2026-02-18T12:00:00+00:00" }, {}]
      )
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("changes: a stream of steps every interval; the store persists encodable snapshots", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse(T0))
      const state = { items: [chatItem(1, "2026-02-26T09:00:00+03:00")], now: T0 }
      const portal = yield* syncingPortal(state)
      const saved: Array<unknown> = []
      const store = SnapshotStore.layer({
        load: Effect.suspend(() =>
          Effect.succeed(
            saved.length === 0
              ? Option.none()
              : Option.some(Schema.decodeUnknownSync(SnapshotStore.Snapshot)(saved[saved.length - 1]))
          )
        ),
        save: (snapshot) =>
          Effect.sync(() => saved.push(JSON.parse(JSON.stringify(Schema.encodeSync(SnapshotStore.Snapshot)(snapshot)))))
      })
      const program = Effect.gen(function* () {
        const sync = yield* RecentSync.RecentSync
        const fiber = yield* Effect.fork(Stream.runCollect(Stream.take(sync.changes, 3)))
        yield* portal.awaitRequests(1)
        yield* Msw.awaitSleep(Date.parse(T0) + 10_000)
        state.items = [...state.items, chatItem(2, "2026-02-26T10:00:05+03:00")]
        state.now = "2026-02-26T10:00:10+03:00"
        yield* TestClock.adjust("10 seconds")
        yield* Msw.awaitSleep(Date.parse(T0) + 20_000)
        yield* TestClock.adjust("10 seconds")
        return Chunk.toReadonlyArray(yield* Fiber.join(fiber))
      })
      const changes = yield* program.pipe(Effect.provide(syncLayer(portal, { interval: "10 seconds" }, store)))
      assert.deepStrictEqual(
        changes.map((c) => [c.kind, c.added]),
        [
          ["full", ["chat1"]],
          ["delta", ["chat2"]],
          ["delta", []]
        ]
      )
      assert.deepStrictEqual(
        portal.requests.map((r) => r.at - Date.parse(T0)),
        [0, 10_000, 20_000]
      )
      assert.strictEqual(saved.length, 3)
      assert.strictEqual((saved[2] as { syncDate: string }).syncDate, "2026-02-26T10:00:10+03:00")
      assert.deepStrictEqual(
        Schema.decodeUnknownSync(RecentGet.Params)({ LAST_SYNC_DATE: (saved[2] as { syncDate: string }).syncDate })
          .LAST_SYNC_DATE?.epochMillis,
        Date.parse("2026-02-26T10:00:10+03:00")
      )
    }).pipe(Effect.provide(Msw.layer))
  )
})
