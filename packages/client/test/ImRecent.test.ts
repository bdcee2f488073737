import { assert, describe, it } from "@effect/vitest"
import { Bitrix24Error, ImRecent } from "@im-recent/client"
import { AtomDateTime, DialogId } from "@im-recent/domain"
import { Chunk, DateTime, Effect, FastCheck, HashMap, Layer, Logger, LogLevel, Option, Stream, TestClock } from "effect"
import * as Msw from "./support/Msw.js"

const documented = Msw.fixture<Msw.WireGet>("im.recent.get.en.json")
const listed = Msw.fixture<Msw.WireList>("im.recent.list.en.json")

const recentLayer = (portal: Msw.FakePortal) => ImRecent.layer.pipe(Layer.provide(Msw.webhookLayer(portal)))

const withRecent = <A, E>(portal: Msw.FakePortal, f: (recent: ImRecent.Service) => Effect.Effect<A, E>) =>
  Effect.flatMap(ImRecent.ImRecent, f).pipe(Effect.provide(recentLayer(portal)))

/** Captures log lines (level, message, annotations) at every level. */
const captureLogs = () => {
  const lines: Array<{ level: string; message: string; annotations: Record<string, unknown> }> = []
  const logger = Logger.make(({ annotations, logLevel, message }) => {
    lines.push({
      level: logLevel.label,
      message: Array.isArray(message) ? message.join(" ") : String(message),
      annotations: Object.fromEntries(HashMap.toEntries(annotations))
    })
  })
  const provide = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(Effect.provide(Logger.add(logger)), Logger.withMinimumLogLevel(LogLevel.All))
  return { lines, provide }
}

const NOW = DateTime.unsafeMake("2026-03-10T12:00:00Z")

describe("ImRecent", () => {
  describe("get", () => {
    it.effect("decodes the documented response and returns the next sync date", () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal(() => Msw.json(documented))
        const result = yield* withRecent(portal, (recent) => recent.get())
        assert.deepStrictEqual(
          result.items.map((item) => item.id),
          ["chat1451", "chat1449"]
        )
        assert.strictEqual(DateTime.formatIso(result.nextSyncDate), "2026-02-26T06:07:18.000Z")
        assert.isTrue(Option.isNone(result.clampedSince))
        assert.strictEqual(result.query.window._tag, "Default")
        assert.deepStrictEqual(portal.requests[0]!.json, {})
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("encodes flags as Y/N and dates as ATOM with a numeric offset and no fraction", () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(NOW.epochMillis)
        const portal = yield* Msw.fakePortal(() => Msw.ok([]))
        yield* withRecent(portal, (recent) =>
          Effect.all([
            recent.get({
              SKIP_OPENLINES: true,
              SKIP_CHAT: false,
              LAST_SYNC_DATE: DateTime.unsafeMake("2026-03-08T10:20:30.456Z")
            }),
            recent.get({
              LAST_UPDATE: DateTime.unsafeMakeZoned(Date.parse("2026-03-08T10:20:30.999Z"), {
                timeZone: DateTime.zoneMakeOffset(3 * 3_600_000)
              })
            })
          ])
        )
        assert.deepStrictEqual(portal.requests[0]!.json, {
          SKIP_OPENLINES: "Y",
          SKIP_CHAT: "N",
          LAST_SYNC_DATE: "2026-03-08T10:20:30+00:00"
        })
        assert.deepStrictEqual(portal.requests[1]!.json, { LAST_UPDATE: "2026-03-08T13:20:30+03:00" })
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect(
      "reports a sync date older than 7 days on the server's clock, with a 2-hour margin: clampedSince and a warning",
      () =>
        Effect.gen(function* () {
          // the local clock is 3 days behind the portal: it must play no part
          yield* TestClock.setTime(NOW.epochMillis - 3 * 86_400_000)
          const portal = yield* Msw.fakePortal(() => Msw.ok([], Msw.time(NOW.epochMillis / 1000)))
          const logs = captureLogs()
          const [old, recentEnough, nearEdge, viaAlias, openLines] = yield* withRecent(portal, (recent) =>
            Effect.all([
              recent.get({ LAST_SYNC_DATE: DateTime.unsafeMake("2026-03-01T12:00:00Z") }),
              recent.get({ LAST_SYNC_DATE: DateTime.unsafeMake("2026-03-04T12:00:00Z") }),
              // 167 h before the server's now: clamped in a spring-forward week, whatever the offset says
              recent.get({ LAST_SYNC_DATE: DateTime.unsafeMake("2026-03-03T13:00:00Z") }),
              recent.get({ LAST_UPDATE: DateTime.unsafeMake("2026-02-01T00:00:00Z") }),
              recent.get({ ONLY_OPENLINES: true, LAST_SYNC_DATE: DateTime.unsafeMake("2026-02-01T00:00:00Z") })
            ])
          ).pipe(logs.provide)
          // time.finish is 12:00:00.050; 7 x 24 h before it, plus the 2-hour margin
          assert.strictEqual(
            Option.map(old.clampedSince, DateTime.formatIso).pipe(Option.getOrThrow),
            "2026-03-03T14:00:00.050Z"
          )
          assert.strictEqual(DateTime.formatIso(old.serverTime), "2026-03-10T12:00:00.050Z")
          assert.isTrue(Option.isNone(recentEnough.clampedSince))
          assert.isTrue(Option.isSome(nearEdge.clampedSince))
          assert.isTrue(Option.isSome(viaAlias.clampedSince))
          assert.isTrue(Option.isNone(openLines.clampedSince))
          const warnings = logs.lines.filter((l) => l.level === "WARN")
          assert.strictEqual(warnings.length, 3)
          assert.include(warnings[0]!.message, "more than 7 days")
          assert.strictEqual(warnings[0]!.annotations.requested, "2026-03-01T12:00:00.000Z")
        }).pipe(Effect.provide(Msw.layer))
    )

    it.effect(
      "with the portal's time zone configured, the edge is the server's own: 167 h in a spring-forward week",
      () =>
        Effect.gen(function* () {
          // Berlin moved to summer time on 2026-03-29; the portal answers at 2026-04-01T12:00:00+02:00
          const serverNow = Date.parse("2026-04-01T10:00:00Z")
          const portal = yield* Msw.fakePortal(() =>
            Msw.ok([], {
              ...Msw.time(serverNow / 1000),
              date_start: "2026-04-01T12:00:00+02:00",
              date_finish: "2026-04-01T12:00:00+02:00"
            })
          )
          const layer = ImRecent.layer.pipe(
            Layer.provide(Msw.webhookLayer(portal, { timeZone: DateTime.zoneUnsafeMakeNamed("Europe/Berlin") }))
          )
          const at = (hours: number) => DateTime.unsafeMake(serverNow - hours * 3_600_000)
          const [clamped, kept] = yield* Effect.flatMap(ImRecent.ImRecent, (recent) =>
            Effect.all([recent.get({ LAST_SYNC_DATE: at(167.5) }), recent.get({ LAST_SYNC_DATE: at(166.5) })])
          ).pipe(Effect.provide(layer))
          assert.strictEqual(
            Option.map(clamped.clampedSince, DateTime.formatIso).pipe(Option.getOrThrow),
            "2026-03-25T11:00:00.050Z"
          )
          assert.isTrue(Option.isNone(kept.clampedSince))
          assert.strictEqual(DateTime.zoneToString(clamped.serverTime.zone), "Europe/Berlin")
        }).pipe(Effect.provide(Msw.layer))
    )
  })

  describe("pin, unread, hide", () => {
    it.effect("send DIALOG_ID and the documented flags", () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal((r) =>
          r.url.pathname.endsWith("im.recent.unread") && r.json.DIALOG_ID === "sg3"
            ? Msw.ok(false)
            : Msw.json(Msw.fixture("im.recent.pin.en.json"))
        )
        const results = yield* withRecent(portal, (recent) =>
          Effect.all([
            recent.pin(DialogId.chat(1489)),
            recent.pin("chat1489", false),
            recent.unread(42),
            recent.unread("42", false),
            recent.unread("sg3"),
            recent.hide("chat7")
          ])
        )
        assert.deepStrictEqual(results, [true, true, true, true, false, true])
        assert.deepStrictEqual(
          portal.requests.map((r) => [r.url.pathname.split("/").pop(), r.json]),
          [
            ["im.recent.pin", { DIALOG_ID: "chat1489", PIN: "Y" }],
            ["im.recent.pin", { DIALOG_ID: "chat1489", PIN: "N" }],
            ["im.recent.unread", { DIALOG_ID: "42", ACTION: "Y" }],
            ["im.recent.unread", { DIALOG_ID: "42", ACTION: "N" }],
            ["im.recent.unread", { DIALOG_ID: "sg3", ACTION: "Y" }],
            ["im.recent.hide", { DIALOG_ID: "chat7" }]
          ]
        )
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("refuse an invalid dialog id without a request; method errors are typed", () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal(() => Msw.json(Msw.fixture("im.recent.pin.error-400.en.json"), 400))
        const [invalid, refused] = yield* withRecent(portal, (recent) =>
          Effect.all([Effect.flip(recent.pin("chat0")), Effect.flip(recent.pin("chat5"))])
        )
        assert.instanceOf(invalid, Bitrix24Error.InvalidParams)
        assert.strictEqual(invalid.method, "im.recent.pin")
        assert.strictEqual(invalid.issues[0]!.path, "DIALOG_ID")
        assert.instanceOf(refused, Bitrix24Error.MethodError)
        assert.strictEqual(portal.requests.length, 1)
      }).pipe(Effect.provide(Msw.layer))
    )
  })

  describe("list", () => {
    const dialog = listed.result.items[0]!
    const base = Date.parse("2026-03-10T10:00:00Z") / 1000

    const atom = (seconds: number) => `${new Date(seconds * 1000).toISOString().slice(0, 19)}+00:00`
    type Row = { id: number; pinned?: boolean; at: number }

    /** One page as the server pages: PINNED DESC, date DESC, no tie-break; the cursor is inclusive. */
    const serve = (rows: ReadonlyArray<Row>, json: Readonly<Record<string, unknown>>, startAt: number) => {
      const limit = Number(json.LIMIT)
      const cursor = typeof json.LAST_MESSAGE_DATE === "string" ? Date.parse(json.LAST_MESSAGE_DATE) / 1000 : undefined
      const selected = rows
        .filter((row) => cursor === undefined || row.at <= cursor)
        .sort((a, b) => Number(b.pinned ?? false) - Number(a.pinned ?? false) || b.at - a.at)
        .slice(0, limit)
      const items = selected.map((row) => ({
        ...structuredClone(dialog),
        id: row.id,
        chat_id: 1000 + row.id,
        pinned: row.pinned ?? false,
        date_last_activity: atom(row.at),
        message: { ...structuredClone(dialog.message), date: atom(row.at) }
      }))
      const hasMore = selected.length === limit
      return Msw.json({
        result: { items, hasMorePages: hasMore, hasMore, copilot: null, messagesAutoDeleteConfigs: [] },
        ...(hasMore ? { next: selected.length } : {}),
        total: -1,
        time: Msw.time(startAt)
      })
    }

    const cursorPortal = (rows: ReadonlyArray<Row>) => Msw.fakePortal((r) => serve(rows, r.json, base + 10_000))

    it.effect("pages by the LAST_MESSAGE_DATE cursor (never OFFSET): pinned and boundary repeats come out once", () =>
      Effect.gen(function* () {
        const rows = [
          { id: 1, pinned: true, at: base + 1 },
          { id: 2, at: base + 60 },
          { id: 3, at: base + 50 },
          { id: 4, at: base + 50 },
          { id: 5, at: base + 40 },
          { id: 6, at: base + 30 },
          { id: 7, at: base + 20 }
        ]
        const portal = yield* cursorPortal(rows)
        const items = yield* withRecent(portal, (recent) =>
          Stream.runCollect(recent.list({ SKIP_OPENLINES: true }, { pageSize: 3, catchUp: false }))
        )
        assert.deepStrictEqual(
          Chunk.toReadonlyArray(items).map((i) => i.id),
          [1, 2, 3, 4, 5, 6, 7]
        )
        const at = (seconds: number) => `${new Date(seconds * 1000).toISOString().slice(0, 19)}+00:00`
        assert.deepStrictEqual(
          portal.requests.map((r) => r.json),
          [
            { SKIP_OPENLINES: "Y", LIMIT: 3 },
            // pinned 1 and the boundary (3, 4 at :50) fill the page: the cursor cannot move, so LIMIT grows
            { SKIP_OPENLINES: "Y", LIMIT: 3, LAST_MESSAGE_DATE: at(base + 50) },
            { SKIP_OPENLINES: "Y", LIMIT: 6, LAST_MESSAGE_DATE: at(base + 50) },
            { SKIP_OPENLINES: "Y", LIMIT: 6, LAST_MESSAGE_DATE: at(base + 20) }
          ]
        )
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect(
      "a page that cannot move the cursor (one second, or only pinned items) is read again with a larger LIMIT",
      () =>
        Effect.gen(function* () {
          const rows = [
            { id: 1, pinned: true, at: base + 90 },
            { id: 2, pinned: true, at: base + 80 },
            ...[3, 4, 5, 6, 7].map((id) => ({ id, at: base + 50 })),
            { id: 8, at: base + 10 }
          ]
          const portal = yield* cursorPortal(rows)
          const ids = yield* withRecent(portal, (recent) =>
            Stream.runCollect(recent.list({}, { pageSize: 2, catchUp: false }))
          ).pipe(
            Effect.map((items) =>
              Chunk.toReadonlyArray(items)
                .map((i) => i.id)
                .sort()
            )
          )
          assert.deepStrictEqual(ids, [1, 2, 3, 4, 5, 6, 7, 8])
          assert.deepStrictEqual(
            portal.requests.map((r) => [r.json.LIMIT, r.json.LAST_MESSAGE_DATE !== undefined]),
            [
              [2, false], // only pinned items
              [4, false],
              [4, true], // 3–6 share :50
              [8, true]
            ]
          )
        }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("items that move up while the pages are read are caught by a final read of the top, once", () =>
      Effect.gen(function* () {
        const rows: Array<Row> = [1, 2, 3, 4, 5, 6].map((id) => ({ id, at: base + 100 - id * 10 }))
        const startAt = base + 1000
        const portal = yield* Msw.fakePortal((r, index) => {
          // after the first page: item 6 (not listed yet) and item 1 (listed) get a message
          if (index === 1) {
            rows.find((row) => row.id === 6)!.at = startAt + 5
            rows.find((row) => row.id === 1)!.at = startAt + 6
          }
          return serve(rows, r.json, startAt + index)
        })
        const result = yield* withRecent(portal, (recent) => recent.listAll({}, { pageSize: 2 }))
        assert.deepStrictEqual(
          result.items.map((i) => i.id),
          [1, 2, 3, 4, 5, 6]
        )
        // the first page's date_start, for the delta that follows
        assert.strictEqual(AtomDateTime.format(result.nextSyncDate), atom(startAt))
        const last = portal.requests[portal.requests.length - 1]!.json
        assert.deepStrictEqual([last.LIMIT, last.LAST_MESSAGE_DATE], [200, undefined])
        // without the catch-up item 6 is lost: it moved above the cursor before a page reached it
        const rows2: Array<Row> = [1, 2, 3, 4, 5, 6].map((id) => ({ id, at: base + 100 - id * 10 }))
        const portal2 = yield* Msw.fakePortal((r, index) => {
          if (index === 1) rows2.find((row) => row.id === 6)!.at = startAt + 5
          return serve(rows2, r.json, startAt + index)
        })
        const without = yield* withRecent(portal2, (recent) => recent.listAll({}, { pageSize: 2, catchUp: false }))
        assert.deepStrictEqual(
          without.items.map((i) => i.id),
          [1, 2, 3, 4, 5]
        )
      }).pipe(Effect.provide(Msw.layer))
    )

    /** 230 items in one second (a batch of posts), 3 pinned above them, and 40 older items, one per second. */
    const crowded = (): ReadonlyArray<Row> => [
      ...[1, 2, 3].map((id) => ({ id, pinned: true, at: base + 5000 + id })),
      ...Array.from({ length: 230 }, (_, i) => ({ id: 100 + i, at: base + 3000 })),
      ...Array.from({ length: 40 }, (_, i) => ({ id: 1000 + i, at: base + 2000 - i }))
    ]

    it.effect(
      "more than 200 items in one second: the listing goes on below it, every older item comes, and the result says what is missing",
      () =>
        Effect.gen(function* () {
          const rows = crowded()
          const portal = yield* cursorPortal(rows)
          const result = yield* withRecent(portal, (recent) => recent.listAll())
          const ids = result.items.map((item) => item.id)
          assert.strictEqual(new Set(ids).size, ids.length, "no duplicates")
          // the pinned items and all 40 older items come; of the crowded second, one full page (the pinned items are
          // newer than the cursor, so they leave the page to it)
          for (const row of rows.filter((r) => r.pinned === true || r.at < base + 3000)) assert.include(ids, row.id)
          const ofSecond = ids.filter((id) => Number(id) >= 100 && Number(id) < 330)
          assert.strictEqual(ofSecond.length, 200)
          assert.deepStrictEqual(
            result.overflow.map((o) => [AtomDateTime.format(o.second), o.listed]),
            [[atom(base + 3000), 200]]
          )
          // the cursor went on from the second before the crowded one
          assert.include(
            portal.requests.map((r) => r.json.LAST_MESSAGE_DATE),
            atom(base + 2999)
          )
          // the page stream carries it on the response that showed it
          const pages = yield* withRecent(portal, (recent) => Stream.runCollect(recent.listPages()))
          const flagged = Chunk.toReadonlyArray(pages).filter((page) => Option.isSome(page.overflow))
          assert.strictEqual(flagged.length, 1)
        }).pipe(Effect.provide(Msw.layer))
    )

    it.effect('onOverflow: "fail" stops at the crowded second with a typed ListOverflow', () =>
      Effect.gen(function* () {
        const portal = yield* cursorPortal(crowded())
        const error = yield* withRecent(portal, (recent) => Effect.flip(recent.listAll({}, { onOverflow: "fail" })))
        assert.instanceOf(error, ImRecent.ListOverflow)
        assert.strictEqual(error._tag, "ListOverflow")
        assert.strictEqual(error.listed, 200)
        assert.strictEqual(AtomDateTime.format(error.second), atom(base + 3000))
        assert.match(error.message, /more than 200 items share the second .*200 of them were listed/)
        // it stopped there: no page below the crowded second was asked for
        assert.notInclude(
          portal.requests.map((r) => r.json.LAST_MESSAGE_DATE),
          atom(base + 2999)
        )
        // without a crowded second the strict listing succeeds with nothing missing
        const calm = yield* cursorPortal(crowded().filter((row) => row.id < 100 || row.id >= 300))
        const complete = yield* withRecent(calm, (recent) => recent.listAll({}, { onOverflow: "fail" }))
        assert.deepStrictEqual(complete.overflow, [])
        assert.strictEqual(complete.items.length, 3 + 30 + 40)
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect.prop(
      "whatever the crowding: no duplicates, every item outside a reported second comes, and each report counts what came",
      [
        // up to 4 seconds with 0–260 items each, scattered items in other seconds, up to 45 pinned ones
        FastCheck.array(FastCheck.integer({ min: 0, max: 260 }), { minLength: 1, maxLength: 4 }),
        FastCheck.integer({ min: 0, max: 120 }),
        FastCheck.integer({ min: 0, max: 45 }),
        FastCheck.integer({ min: 1, max: 200 })
      ],
      ([hot, scattered, pinned, pageSize]) =>
        Effect.gen(function* () {
          let id = 1
          const rows: Array<Row> = [
            ...hot.flatMap((count, i) =>
              Array.from({ length: count }, () => ({ id: id++, at: base + 5000 - i * 100 }))
            ),
            ...Array.from({ length: scattered }, (_, i) => ({ id: id++, at: base + 4990 - i * 7 })),
            ...Array.from({ length: pinned }, (_, i) => ({ id: id++, pinned: true, at: base + 3 * i }))
          ]
          const portal = yield* cursorPortal(rows)
          const result = yield* withRecent(portal, (recent) => recent.listAll({}, { pageSize }))
          const ids = result.items.map((item) => Number(item.id))
          assert.strictEqual(new Set(ids).size, ids.length, "no duplicates")
          const reported = new Set(result.overflow.map((o) => Math.floor(o.second.epochMillis / 1000)))
          const missing = rows.filter((row) => !ids.includes(row.id))
          for (const row of missing) {
            assert.isTrue(reported.has(row.at) && row.pinned !== true, `item ${row.id} at ${row.at} is missing`)
          }
          for (const overflow of result.overflow) {
            const second = Math.floor(overflow.second.epochMillis / 1000)
            const came = rows.filter((row) => row.at === second && ids.includes(row.id)).length
            assert.strictEqual(overflow.listed, came)
            // a reported second really is crowded: more than a page's worth of unpinned items, less what is pinned
            assert.isAtLeast(rows.filter((row) => row.at === second && row.pinned !== true).length, 200 - pinned)
          }
        }).pipe(Effect.provide(Msw.layer)),
      { timeout: 120_000, fastCheck: { numRuns: 25 } }
    )

    it.effect("one page that holds everything is one request: nothing can have moved", () =>
      Effect.gen(function* () {
        const portal = yield* cursorPortal([1, 2, 3].map((id) => ({ id, at: base + id })))
        yield* withRecent(portal, (recent) => recent.listAll())
        assert.strictEqual(portal.requests.length, 1)
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("decodes the documented page; the default LIMIT is 200; an invalid LIMIT is refused", () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal(() => Msw.json(listed))
        const items = yield* withRecent(portal, (recent) => Stream.runCollect(recent.list()))
        assert.strictEqual(Chunk.size(items), listed.result.items.length)
        assert.strictEqual(portal.requests[0]!.json.LIMIT, 200)
        const error = yield* withRecent(portal, (recent) =>
          Effect.flip(Stream.runCollect(recent.list({}, { pageSize: 500 })))
        )
        assert.instanceOf(error, Bitrix24Error.InvalidParams)
        assert.strictEqual(portal.requests.length, 1)
      }).pipe(Effect.provide(Msw.layer))
    )
  })
})
