import { assert, describe, it } from "@effect/vitest"
import { Bitrix24Error, ImRecent, RecentSync, SnapshotStore } from "@im-recent/client"
import { AtomDateTime, RecentGet, type RecentItem } from "@im-recent/domain"
import { Generator } from "@im-recent/emulator"
import {
  Cause,
  Chunk,
  Clock,
  DateTime,
  Duration,
  Effect,
  Exit,
  Fiber,
  Layer,
  Option,
  Schedule,
  Schema,
  Stream,
  TestClock
} from "effect"
import * as EmulatorHandler from "./support/EmulatorHandler.js"
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

/** Whose list a snapshot of `portal`'s webhook (user 1, no filters) is. */
const ownedBy = (portal: Msw.FakePortal) => ({ portal: portal.origin, user: "webhook:1", params: {} })

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
          ...ownedBy(portal),
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
        ...ownedBy(portal),
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

describe("RecentSync: whose snapshot it is", () => {
  const NOW = "2026-03-02T12:00:00Z"
  const portalState = () =>
    Generator.generate({
      ...Generator.defaults(DateTime.unsafeMake(NOW)),
      seed: 1,
      users: 8,
      chats: 14,
      messages: { perChat: 2 },
      locale: "en"
    })

  /** One sync step as `userId` with `params`, on the given store. */
  const stepAs = (
    portal: EmulatorHandler.EmulatorHandler,
    userId: number,
    store: SnapshotStore.Service,
    params?: RecentSync.Options["params"]
  ) =>
    Effect.flatMap(RecentSync.RecentSync, (sync) => sync.sync).pipe(
      Effect.provide(
        RecentSync.layer({ params }).pipe(
          Layer.provide(SnapshotStore.layer(store)),
          Layer.provide(ImRecent.layer),
          Layer.provide(portal.transport(userId))
        )
      )
    )

  /** A full `im.recent.get` as `userId` now: what the snapshot must hold. */
  const fullList = (portal: EmulatorHandler.EmulatorHandler, userId: number, params: RecentGet.Params = {}) =>
    Effect.flatMap(ImRecent.ImRecent, (recent) => recent.get(params)).pipe(
      Effect.map((result) => result.items.map((item) => item.id)),
      Effect.provide(ImRecent.layer.pipe(Layer.provide(portal.transport(userId))))
    )

  it.effect("user 2 syncing on user 1's saved snapshot reloads in full and holds user 2's list only", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse(NOW))
      const portal = yield* EmulatorHandler.make(portalState(), NOW)
      const store = yield* SnapshotStore.makeMemory()
      const first = yield* stepAs(portal, 1, store)
      assert.strictEqual(first.snapshot.user, "webhook:1")
      assert.strictEqual(first.snapshot.portal, portal.publicUrl)
      yield* TestClock.adjust("10 seconds")
      const second = yield* stepAs(portal, 2, store)
      assert.strictEqual(second.kind, "full")
      assert.strictEqual(second.reason, "mismatch")
      assert.deepStrictEqual(second.mismatched, ["user"])
      assert.deepStrictEqual(second.removed, [])
      const expected = yield* fullList(portal, 2)
      assert.deepStrictEqual(second.snapshot.items.map((item) => item.id).sort(), [...expected].sort())
      assert.deepStrictEqual([...second.added].sort(), [...expected].sort())
      // and back to user 1: the snapshot is user 2's now
      assert.strictEqual((yield* stepAs(portal, 1, store)).reason, "mismatch")
    })
  )

  it.effect("a snapshot saved with SKIP_OPENLINES, synced without it: reloaded in full, the open lines are there", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse(NOW))
      const portal = yield* EmulatorHandler.make(portalState(), NOW)
      const store = yield* SnapshotStore.makeMemory()
      const skipped = yield* stepAs(portal, 1, store, { SKIP_OPENLINES: true })
      assert.deepStrictEqual(skipped.snapshot.params, { SKIP_OPENLINES: "Y" })
      const isOpenLine = (item: RecentItem.RecentItem) => item.type === "chat" && item.chat.message_type === "L"
      assert.isFalse(skipped.snapshot.items.some(isOpenLine))
      yield* TestClock.adjust("10 seconds")
      const all = yield* stepAs(portal, 1, store)
      assert.strictEqual(all.reason, "mismatch")
      assert.deepStrictEqual(all.mismatched, ["params"])
      assert.isTrue(all.snapshot.items.some(isOpenLine))
      assert.deepStrictEqual(all.snapshot.items.map((item) => item.id).sort(), [...(yield* fullList(portal, 1))].sort())
      // the same filters again: a delta
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual((yield* stepAs(portal, 1, store)).reason, "delta")
      // false flags are no filter: the same list
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual((yield* stepAs(portal, 1, store, { SKIP_OPENLINES: false })).reason, "delta")
    })
  )

  it.effect("a snapshot saved before snapshots said whose they are decodes, and counts as a mismatch", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse(NOW))
      const portal = yield* EmulatorHandler.make(portalState(), NOW)
      const store = yield* SnapshotStore.makeMemory()
      const first = yield* stepAs(portal, 1, store)
      // what the previous version wrote: no portal, user or params
      const {
        params: _params,
        portal: _portal,
        user: _user,
        ...encoded
      } = Schema.encodeSync(SnapshotStore.Snapshot)(first.snapshot)
      const old = Schema.decodeUnknownSync(SnapshotStore.Snapshot)(JSON.parse(JSON.stringify(encoded)))
      assert.strictEqual(old.user, undefined)
      yield* TestClock.adjust("10 seconds")
      const change = yield* stepAs(portal, 1, yield* SnapshotStore.makeMemory(old))
      assert.strictEqual(change.reason, "mismatch")
      assert.deepStrictEqual(change.mismatched, ["portal", "user", "params"])
    })
  )
})

describe("RecentSync with ONLY_OPENLINES", () => {
  it.effect("never sends LAST_SYNC_DATE (the server would ignore it): every step is a full load", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse(T0))
      const state = { items: [chatItem(1, "2026-02-26T09:00:00+03:00")], now: T0 }
      const portal = yield* syncingPortal(state)
      const reasons = yield* Effect.gen(function* () {
        const sync = yield* RecentSync.RecentSync
        const first = yield* sync.sync
        state.items = [chatItem(1, "2026-02-26T10:01:00+03:00", "new"), chatItem(2, "2026-02-26T10:02:00+03:00")]
        state.now = "2026-02-26T10:05:00+03:00"
        yield* TestClock.adjust("5 minutes")
        const second = yield* sync.sync
        assert.deepStrictEqual(second.added, ["chat2"])
        assert.deepStrictEqual(second.updated, ["chat1"])
        state.items = [state.items[1]!]
        const third = yield* sync.sync
        assert.deepStrictEqual(third.removed, ["chat1"])
        return [first, second, third].map((change) => [change.kind, change.reason])
      }).pipe(Effect.provide(syncLayer(portal, { params: { ONLY_OPENLINES: true } })))
      assert.deepStrictEqual(reasons, [
        ["full", "initial"],
        ["full", "no-delta"],
        ["full", "no-delta"]
      ])
      assert.deepStrictEqual(
        portal.requests.map((r) => r.json),
        [{ ONLY_OPENLINES: "Y" }, { ONLY_OPENLINES: "Y" }, { ONLY_OPENLINES: "Y" }]
      )
    }).pipe(Effect.provide(Msw.layer))
  )
})

describe("RecentSync.changesRetrying (TestClock)", () => {
  /** The message of the error a fiber failed with. */
  const failureOf = <A, E extends { readonly message: string }>(exit: Exit.Exit<A, E>) =>
    Exit.isFailure(exit) ? Option.getOrUndefined(Cause.failureOption(exit.cause))?.message : undefined
  const context = { method: "im.recent.get", requestId: "r-1" }
  /** What a loopback portal that is not listening answers: hopeless for a call, passing for a loop. */
  const refused = new Bitrix24Error.NetworkError({
    ...context,
    description: "connect ECONNREFUSED 127.0.0.1:41777",
    code: "ECONNREFUSED",
    loopback: true
  })
  const denied = Bitrix24Error.fromEnvelope(
    { error: "INVALID_CREDENTIALS", error_description: "Invalid request credentials" },
    { ...context, status: 401, credential: "webhook" }
  )

  /** An `ImRecent` whose `get` answers the documented list or fails, step by step; the TestClock time of each call. */
  const scripted = (script: ReadonlyArray<"ok" | Bitrix24Error.Bitrix24Error>) =>
    Effect.gen(function* () {
      const calls: Array<number> = []
      const documented = Schema.decodeUnknownSync(RecentGet.Response)(Msw.fixture("im.recent.get.en.json"))
      const unused = () => Effect.die("not used")
      const service: ImRecent.Service = {
        owner: { portal: "https://portal.bitrix24.test", user: "webhook:1" },
        pin: unused,
        unread: unused,
        hide: unused,
        list: () => Stream.die("not used"),
        listPages: () => Stream.die("not used"),
        listAll: unused,
        get: () =>
          Effect.gen(function* () {
            calls.push(yield* Clock.currentTimeMillis)
            const next = script[calls.length - 1] ?? "ok"
            if (next !== "ok") return yield* Effect.fail(next)
            const serverTime = DateTime.unsafeMakeZoned(yield* Clock.currentTimeMillis, {
              timeZone: DateTime.zoneMakeOffset(3 * 3_600_000)
            })
            return {
              items: documented.result,
              time: { ...documented.time, date_start: serverTime, date_finish: serverTime },
              query: undefined as never,
              serverTime,
              clampedSince: Option.none(),
              nextSyncDate: serverTime
            }
          })
      }
      return { calls, layer: Layer.succeed(ImRecent.ImRecent, service) }
    })

  it.effect(
    "a refused loopback connection is tried again after interval, 2×, 4×; a success resets the back-off; refused credentials end it",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(0)
        const { calls, layer } = yield* scripted(["ok", refused, refused, refused, "ok", refused, "ok", denied])
        const retries: Array<string> = []
        const fiber = yield* Effect.flatMap(RecentSync.RecentSync, (sync) =>
          Stream.runCollect(
            sync.changesRetrying({
              onRetry: (retry) =>
                Effect.sync(() => retries.push(`${retry.error._tag} #${retry.attempt} ${Duration.format(retry.delay)}`))
            })
          )
        ).pipe(
          Effect.provide(RecentSync.layerMemory({ interval: "10 seconds" }).pipe(Layer.provide(layer))),
          Effect.fork
        )
        for (let i = 0; i < 40; i++) {
          yield* Effect.yieldNow()
          yield* TestClock.adjust("5 seconds")
        }
        assert.strictEqual(failureOf(yield* Fiber.await(fiber)), denied.message)
        assert.deepStrictEqual(retries, [
          "NetworkError #1 10s",
          "NetworkError #2 20s",
          "NetworkError #3 40s",
          "NetworkError #1 10s"
        ])
        // each step after the interval, each retry after its delay
        assert.deepStrictEqual(calls, [0, 10_000, 20_000, 40_000, 80_000, 90_000, 100_000, 110_000])
      })
  )

  it.effect("changes, unlike it, ends at the first failed step", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(0)
      const { calls, layer } = yield* scripted(["ok", refused, "ok"])
      const fiber = yield* Effect.flatMap(RecentSync.RecentSync, (sync) => Stream.runCollect(sync.changes)).pipe(
        Effect.provide(RecentSync.layerMemory({ interval: "10 seconds" }).pipe(Layer.provide(layer))),
        Effect.fork
      )
      for (let i = 0; i < 10; i++) {
        yield* Effect.yieldNow()
        yield* TestClock.adjust("5 seconds")
      }
      assert.strictEqual(failureOf(yield* Fiber.await(fiber)), refused.message)
      assert.deepStrictEqual(calls, [0, 10_000])
    })
  )

  it.effect("retrying: a schedule that ends, or a store error, ends the step with its error", () =>
    Effect.gen(function* () {
      let runs = 0
      const failing = Effect.suspend(() => {
        runs++
        return Effect.fail(refused)
      })
      const once = yield* Effect.flip(RecentSync.retrying({ schedule: Schedule.recurs(1) })(failing)).pipe(Effect.fork)
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* Fiber.join(once), refused)
      assert.strictEqual(runs, 2)
      const storeError = new SnapshotStore.SnapshotStoreError({ operation: "save", description: "disk full" })
      assert.isFalse(RecentSync.isRetryableLater(storeError))
      assert.strictEqual(yield* Effect.flip(RecentSync.retrying()(Effect.fail(storeError))), storeError)
    })
  )
})
