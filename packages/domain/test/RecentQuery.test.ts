import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import * as DateTime from "effect/DateTime"
import * as Equal from "effect/Equal"
import * as Option from "effect/Option"
import * as AtomDateTime from "../src/AtomDateTime.js"
import * as ChatType from "../src/ChatType.js"
import { daysBefore } from "../src/internal/calendar.js"
import * as RecentQuery from "../src/RecentQuery.js"

const HOUR = 3_600_000
const DAY = 24 * HOUR
const moscow = DateTime.zoneUnsafeMakeNamed("Europe/Moscow")
const berlin = DateTime.zoneUnsafeMakeNamed("Europe/Berlin")
const options = { serverTimeZone: moscow }
/** 2026-02-25T12:00:00.700+03:00 */
const now = DateTime.unsafeMake(Date.UTC(2026, 1, 25, 9, 0, 0, 700))

const query = (params: Record<string, unknown>, opts: RecentQuery.Options = options, at: DateTime.DateTime = now) =>
  RecentQuery.fromParams(params, at, opts)

const sinceMillis = (q: RecentQuery.RecentQuery): number | undefined =>
  Option.getOrUndefined(Option.map(RecentQuery.since(q), (_) => _.epochMillis))

const excluded = (q: RecentQuery.RecentQuery): ReadonlyArray<ChatType.ChatType> =>
  ChatType.all.filter((type) => !RecentQuery.includesType(q, type))

describe("RecentQuery", () => {
  describe("flags", () => {
    it("reads parameter names in any case", () => {
      assert.deepStrictEqual(excluded(query({ skip_chat: "Y" })), ["C", "O"])
      assert.deepStrictEqual(excluded(query({ Skip_Dialog: "Y" })), ["P"])
      assert.isTrue(query({ only_openlines: "Y" }).onlyOpenLines)
    })

    it("upper-cases ASCII only, like PHP (a dotless ı does not become I)", () => {
      assert.isFalse(query({ "sk\u0131p_chat": "Y" }).skipChat)
    })

    it("lets the later of two keys that differ only in case win", () => {
      assert.isFalse(query({ SKIP_CHAT: "Y", skip_chat: "N" }).skipChat)
      assert.isTrue(query({ skip_chat: "N", SKIP_CHAT: "Y" }).skipChat)
    })

    it.each([["y"], [true], [1], ["N"], ["yes"], [" Y"], ["Y "], [null], [{}]] as ReadonlyArray<[unknown]>)(
      "a flag valued %j is off",
      (value) => {
        const q = query({ SKIP_DIALOG: value, SKIP_CHAT: value, SKIP_OPENLINES: value, ONLY_OPENLINES: value })
        assert.isFalse(q.skipDialog || q.skipChat || q.skipOpenLines || q.onlyOpenLines)
        assert.deepStrictEqual(excluded(q), [])
      }
    )

    it("ignores parameters im.recent.get does not know (LIMIT, OFFSET, LAST_ID)", () => {
      assert.deepStrictEqual(query({ LIMIT: 1, OFFSET: 5, LAST_ID: 3 }), query({}))
    })

    it("ONLY_OPENLINES=Y drops the SKIP_ flags and selects open lines only", () => {
      const q = query({ ONLY_OPENLINES: "Y", SKIP_OPENLINES: "Y", SKIP_CHAT: "Y", SKIP_DIALOG: "Y" })
      assert.isFalse(q.skipOpenLines || q.skipChat || q.skipDialog)
      assert.deepStrictEqual(
        ChatType.all.filter((type) => RecentQuery.includesType(q, type)),
        ["L"]
      )
      assert.strictEqual(q.types._tag, "Only")
    })

    it("WITH_COUNTERS is on unless exactly N", () => {
      assert.isTrue(query({}).withCounters)
      assert.isTrue(query({ WITH_COUNTERS: "n" }).withCounters)
      assert.isFalse(query({ with_counters: "N" }).withCounters)
    })
  })

  describe("type exclusions", () => {
    it("excludes nothing by default: channels, collabs, system, comments and external chats stay", () => {
      assert.deepStrictEqual(excluded(query({})), [])
      assert.deepStrictEqual(query({}).types, RecentQuery.TypeFilter.Exclude({ types: [] }))
    })

    it.each([
      [{ SKIP_OPENLINES: "Y" }, ["L"]],
      [{ SKIP_CHAT: "Y" }, ["C", "O"]],
      [{ SKIP_DIALOG: "Y" }, ["P"]],
      [{ SKIP_OPENLINES: "Y", SKIP_CHAT: "Y", SKIP_DIALOG: "Y" }, ["P", "C", "O", "L"]]
    ] as ReadonlyArray<[Record<string, string>, ReadonlyArray<ChatType.ChatType>]>)(
      "%j excludes %j",
      (params, types) => {
        assert.deepStrictEqual(excluded(query(params)), types)
      }
    )

    it("lists exclusions in the server's order: A, L, O, C, P", () => {
      const q = query(
        { SKIP_DIALOG: "Y", SKIP_CHAT: "Y", SKIP_OPENLINES: "Y" },
        { serverTimeZone: moscow, copilotHistoryAvailable: false }
      )
      assert.strictEqual(q.types._tag, "Exclude")
      assert.deepStrictEqual([...q.types.types], ["A", "L", "O", "C", "P"])
    })

    it("excludes copilot chats only when copilot history is not available", () => {
      assert.isTrue(RecentQuery.includesType(query({}), "A"))
      assert.isTrue(RecentQuery.includesType(query({}, { serverTimeZone: moscow, copilotHistoryAvailable: true }), "A"))
      assert.deepStrictEqual(excluded(query({}, { serverTimeZone: moscow, copilotHistoryAvailable: false })), ["A"])
    })

    it("ONLY_OPENLINES selects L even when copilot history is not available", () => {
      const q = query({ ONLY_OPENLINES: "Y" }, { serverTimeZone: moscow, copilotHistoryAvailable: false })
      assert.deepStrictEqual(
        excluded(q),
        ChatType.all.filter((type) => type !== "L")
      )
    })
  })

  describe("sync date", () => {
    const threeDaysAgo = "2026-02-22T12:00:00+03:00"

    it("uses a valid LAST_SYNC_DATE as the window's start", () => {
      const q = query({ LAST_SYNC_DATE: threeDaysAgo })
      assert.strictEqual(sinceMillis(q), Date.UTC(2026, 1, 22, 9))
      assert.isTrue(RecentQuery.hasSyncDate(q))
      assert.isFalse(RecentQuery.isClamped(q))
      assert.strictEqual(q.syncDate._tag, "Parsed")
    })

    it("LAST_UPDATE replaces LAST_SYNC_DATE", () => {
      const q = query({ LAST_SYNC_DATE: "2026-02-24T12:00:00+03:00", last_update: threeDaysAgo })
      assert.strictEqual(sinceMillis(q), Date.UTC(2026, 1, 22, 9))
      assert.isTrue(RecentQuery.SyncDate.$is("Parsed")(q.syncDate) && q.syncDate.parameter === "LAST_UPDATE")
    })

    it("LAST_UPDATE replaces LAST_SYNC_DATE even when invalid: the default window applies", () => {
      const q = query({ LAST_SYNC_DATE: threeDaysAgo, LAST_UPDATE: "garbage" })
      assert.deepStrictEqual(
        q.syncDate,
        RecentQuery.SyncDate.Ignored({ parameter: "LAST_UPDATE", value: "garbage", reason: "invalid" })
      )
      assert.strictEqual(sinceMillis(q), now.epochMillis - 30 * DAY)
    })

    it("LAST_UPDATE replaces LAST_SYNC_DATE even when empty", () => {
      const q = query({ LAST_SYNC_DATE: threeDaysAgo, LAST_UPDATE: "" })
      assert.strictEqual(q.syncDate._tag, "Ignored")
      assert.strictEqual(sinceMillis(q), now.epochMillis - 30 * DAY)
    })

    it("a null LAST_UPDATE is not set (isset): LAST_SYNC_DATE counts", () => {
      assert.strictEqual(
        sinceMillis(query({ LAST_SYNC_DATE: threeDaysAgo, LAST_UPDATE: null })),
        Date.UTC(2026, 1, 22, 9)
      )
    })

    it.each([[""], ["0"], [0], [false], [[]]] as ReadonlyArray<[unknown]>)("ignores the falsy value %j", (value) => {
      const q = query({ LAST_SYNC_DATE: value })
      assert.deepStrictEqual(
        q.syncDate,
        RecentQuery.SyncDate.Ignored({ parameter: "LAST_SYNC_DATE", value, reason: "falsy" })
      )
      assert.strictEqual(sinceMillis(q), now.epochMillis - 30 * DAY)
    })

    it.each([
      ["garbage"],
      ["2026-02-25 18:30:00"],
      [1_700_000_000],
      [{ date: threeDaysAgo }],
      [[threeDaysAgo]]
    ] as ReadonlyArray<[unknown]>)("ignores the invalid value %j", (value) => {
      const q = query({ LAST_SYNC_DATE: value })
      assert.strictEqual(q.syncDate._tag, "Ignored")
      assert.isFalse(RecentQuery.hasSyncDate(q))
      assert.strictEqual(sinceMillis(q), now.epochMillis - 30 * DAY)
    })

    it("reads the sync date leniently: Z means server-local time", () => {
      assert.strictEqual(sinceMillis(query({ LAST_SYNC_DATE: "2026-02-22T12:00:00Z" })), Date.UTC(2026, 1, 22, 9))
    })

    it("passes true as PHP does, as the string 1 (year 1), which is then clamped", () => {
      const q = query({ LAST_SYNC_DATE: true })
      assert.isTrue(RecentQuery.SyncDate.$is("Parsed")(q.syncDate) && q.syncDate.value === "1")
      assert.isTrue(RecentQuery.isClamped(q))
    })
  })

  describe("window", () => {
    it("defaults to now - 30 days", () => {
      const q = query({})
      assert.strictEqual(q.window._tag, "Default")
      assert.strictEqual(sinceMillis(q), now.epochMillis - 30 * DAY)
      assert.isFalse(RecentQuery.hasSyncDate(q))
    })

    it("clamps a sync date older than 7 days to now - 7 days, and says so", () => {
      const q = query({ LAST_SYNC_DATE: "2026-02-15T12:00:00+03:00" })
      assert.strictEqual(sinceMillis(q), now.epochMillis - 7 * DAY)
      assert.isTrue(RecentQuery.isClamped(q))
      assert.isTrue(
        RecentQuery.Window.$is("Sync")(q.window) && q.window.requested.epochMillis === Date.UTC(2026, 1, 15, 9)
      )
    })

    it("keeps a sync date exactly 7 days back in whole seconds (now has milliseconds): clamped to the same second", () => {
      const q = query({ LAST_SYNC_DATE: "2026-02-18T12:00:00+03:00" })
      assert.isTrue(RecentQuery.isClamped(q))
      assert.isTrue(RecentQuery.inWindow(q, DateTime.unsafeMake(Date.UTC(2026, 1, 18, 9))))
    })

    it("does not clamp a future sync date", () => {
      const q = query({ LAST_SYNC_DATE: "2026-03-01T00:00:00+03:00" })
      assert.strictEqual(sinceMillis(q), Date.UTC(2026, 1, 28, 21))
      assert.isFalse(RecentQuery.isClamped(q))
      assert.isFalse(RecentQuery.inWindow(q, now))
    })

    it("has no window at all with ONLY_OPENLINES, with or without a sync date", () => {
      for (const params of [
        { ONLY_OPENLINES: "Y" },
        { ONLY_OPENLINES: "Y", LAST_SYNC_DATE: "2026-02-24T12:00:00+03:00" }
      ]) {
        const q = query(params)
        assert.strictEqual(q.window._tag, "Unbounded")
        assert.isTrue(Option.isNone(RecentQuery.since(q)))
        assert.isTrue(RecentQuery.inWindow(q, DateTime.unsafeMake(0)))
      }
      assert.isTrue(
        RecentQuery.hasSyncDate(query({ ONLY_OPENLINES: "Y", LAST_SYNC_DATE: "2026-02-24T12:00:00+03:00" }))
      )
    })

    it("is inclusive and compares whole seconds", () => {
      const q = query({}) // since = 2026-01-26T12:00:00.700+03:00
      const since = Date.UTC(2026, 0, 26, 9)
      assert.isTrue(RecentQuery.inWindow(q, DateTime.unsafeMake(since)))
      assert.isTrue(RecentQuery.inWindow(q, DateTime.unsafeMake(since + 999)))
      assert.isFalse(RecentQuery.inWindow(q, DateTime.unsafeMake(since - 1)))
    })

    it("counts calendar days in the server zone across DST (PHP: 2026-04-02 12:00 Berlin - 7 days = 03-26 12:00+01:00)", () => {
      const at = DateTime.unsafeMake(Date.UTC(2026, 3, 2, 10)) // 12:00+02:00
      const q = query({ LAST_SYNC_DATE: "2026-01-01T00:00:00+01:00" }, { serverTimeZone: berlin }, at)
      assert.strictEqual(sinceMillis(q), Date.UTC(2026, 2, 26, 11)) // 7 days and 1 hour earlier
      assert.strictEqual(AtomDateTime.format(Option.getOrThrow(RecentQuery.since(q))), "2026-03-26T12:00:00+01:00")
    })

    it("resolves an ambiguous wall-clock time to the later offset, like PHP (11-01 02:30 Berlin - 7 days = 10-25 02:30+01:00)", () => {
      const at = DateTime.unsafeMake(Date.UTC(2026, 10, 1, 1, 30)) // 02:30+01:00
      const q = query({ LAST_SYNC_DATE: "2026-01-01T00:00:00+01:00" }, { serverTimeZone: berlin }, at)
      assert.strictEqual(AtomDateTime.format(Option.getOrThrow(RecentQuery.since(q))), "2026-10-25T02:30:00+01:00")
    })
  })

  describe("row selection", () => {
    it("selects rows that pass both the type filter and the window", () => {
      const q = query({ SKIP_DIALOG: "Y" })
      const recent = DateTime.unsafeMake(now.epochMillis - DAY)
      const old = DateTime.unsafeMake(now.epochMillis - 31 * DAY)
      assert.isTrue(RecentQuery.selects(q, { type: "C", dateUpdate: recent }))
      assert.isFalse(RecentQuery.selects(q, { type: "P", dateUpdate: recent }))
      assert.isFalse(RecentQuery.selects(q, { type: "C", dateUpdate: old }))
    })

    it("places the open-line queue first with ONLY_OPENLINES, last by default, nowhere with SKIP_OPENLINES", () => {
      assert.strictEqual(RecentQuery.openLinesQueue(query({ ONLY_OPENLINES: "Y", SKIP_OPENLINES: "Y" })), "first")
      assert.strictEqual(RecentQuery.openLinesQueue(query({})), "last")
      assert.strictEqual(RecentQuery.openLinesQueue(query({ SKIP_OPENLINES: "Y" })), "none")
    })

    it("is a value: equal parameters give equal queries", () => {
      assert.deepStrictEqual(
        query({ skip_chat: "Y", LAST_SYNC_DATE: "x" }),
        query({ SKIP_CHAT: "Y", last_sync_date: "x" })
      )
    })
  })

  describe("properties", () => {
    /** An offset server zone, so "7 days" is exactly 7 x 24 h and the oracle needs no calendar. */
    const offsetOptions = { serverTimeZone: DateTime.zoneMakeOffset(3 * HOUR) }
    const instant = FastCheck.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2090, 0, 1) })
    const nowArb = instant.map((ms) => DateTime.unsafeMake(ms))
    /** A valid ATOM string at any quarter-hour offset: always parsed as written. */
    const atom = FastCheck.tuple(
      FastCheck.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2090, 0, 1) / 1000 }),
      FastCheck.integer({ min: -12 * 4, max: 14 * 4 })
    ).map(([seconds, quarters]) => AtomDateTime.formatEpoch(seconds * 1000, quarters * 15 * 60_000))
    const randomCase = (name: string) =>
      FastCheck.array(FastCheck.boolean(), { minLength: name.length, maxLength: name.length }).map((upper) =>
        [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join("")
      )
    const flagValue = FastCheck.constantFrom<unknown>("Y", "y", "N", true, 1, "", null, undefined)
    /** Any mix of the flags, in any case, with any values. */
    const flags = FastCheck.tuple(
      ...["ONLY_OPENLINES", "SKIP_OPENLINES", "SKIP_CHAT", "SKIP_DIALOG"].map((name) =>
        FastCheck.tuple(randomCase(name), flagValue)
      )
    ).map((entries) => Object.fromEntries(entries.filter(([, value]) => value !== undefined)))

    it.prop(
      "a valid sync date gives since = max(date, now - 7 days), never earlier than now - 7 days",
      { at: nowArb, date: atom, params: flags, key: FastCheck.constantFrom("LAST_SYNC_DATE", "last_update") },
      ({ at, date, params, key }) => {
        const q = RecentQuery.fromParams({ ...params, [key]: date }, at, offsetOptions)
        if (q.onlyOpenLines) return
        const floor = at.epochMillis - 7 * DAY
        const requested = Option.getOrThrow(AtomDateTime.parse(date)).epochMillis
        assert.strictEqual(sinceMillis(q), Math.max(requested, floor))
        assert.isAtLeast(sinceMillis(q)!, floor)
        assert.strictEqual(RecentQuery.isClamped(q), requested < floor)
      }
    )

    it.prop("without a sync date, since is exactly now - 30 days", { at: nowArb, params: flags }, ({ at, params }) => {
      const q = RecentQuery.fromParams(params, at, offsetOptions)
      if (q.onlyOpenLines) return
      assert.strictEqual(sinceMillis(q), at.epochMillis - 30 * DAY)
      assert.isFalse(RecentQuery.isClamped(q))
    })

    it.prop(
      "SKIP_DIALOG=Y never lets P through",
      { at: nowArb, params: flags, key: randomCase("SKIP_DIALOG") },
      ({ at, params, key }) => {
        assert.isFalse(RecentQuery.includesType(RecentQuery.fromParams({ ...params, [key]: "Y" }, at, options), "P"))
      }
    )

    it.prop(
      "ONLY_OPENLINES=Y lets only L through, with no window",
      { at: nowArb, params: flags, date: atom, key: randomCase("ONLY_OPENLINES") },
      ({ at, params, date, key }) => {
        const q = RecentQuery.fromParams({ ...params, LAST_SYNC_DATE: date, [key]: "Y" }, at, options)
        for (const type of ChatType.all) assert.strictEqual(RecentQuery.includesType(q, type), type === "L")
        assert.isTrue(Option.isNone(RecentQuery.since(q)))
      }
    )

    it.prop(
      "SKIP_CHAT=Y alone excludes exactly O and C",
      { at: nowArb, key: randomCase("SKIP_CHAT") },
      ({ at, key }) => {
        assert.deepStrictEqual(excluded(RecentQuery.fromParams({ [key]: "Y" }, at, options)), ["C", "O"])
      }
    )
  })
})

const fc = FastCheck

describe("daysBefore (cached offsets)", () => {
  const zones = [
    "Europe/Moscow",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Apia",
    "America/Santiago",
    "Asia/Tehran",
    "UTC"
  ].map((id) => DateTime.zoneUnsafeMakeNamed(id))
  const offsets = [DateTime.zoneMakeOffset(3 * 3_600_000), DateTime.zoneMakeOffset(-(9 * 60 + 30) * 60_000)]
  const regular = (now: DateTime.Zoned, days: number) =>
    DateTime.mutate(now, (date) => date.setUTCDate(date.getUTCDate() - days), { disambiguation: "later" })
  it.prop(
    "equals DateTime.mutate, transitions included",
    [
      fc.constantFrom(...zones, ...offsets),
      fc.oneof(
        fc.integer({ min: Date.UTC(1890, 0, 1), max: Date.UTC(2210, 0, 1) }),
        // around the transitions of 2021 and 2026: the last Sundays of March and October, the first of April and
        // November, give or take a day and a half
        fc
          .tuple(
            fc.constantFrom(2021, 2026),
            fc.constantFrom(2, 3, 9, 10),
            fc.integer({ min: 0, max: 31 }),
            fc.integer({ min: -36 * 60, max: 36 * 60 })
          )
          .map(([year, month, day, minutes]) => Date.UTC(year, month, day) + minutes * 60_000 + 7 * 86_400_000)
      ),
      fc.constantFrom(1, 7, 30)
    ],
    ([zone, epochMillis, days]) => {
      const now = DateTime.unsafeMakeZoned(epochMillis, { timeZone: zone })
      const expected = regular(now, days)
      const actual = daysBefore(now, days)
      assert.strictEqual(actual.epochMillis, expected.epochMillis)
      assert.isTrue(Equal.equals(actual.zone, expected.zone))
    },
    { fastCheck: { numRuns: 3000 } }
  )
})

describe("the 7-day edge (latestClampBound, mayClamp)", () => {
  const zoneIds = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Antarctica/Troll",
    "America/Santiago",
    "Europe/Moscow",
    "Asia/Kolkata"
  ]
  const zones = zoneIds.map((id) => DateTime.zoneUnsafeMakeNamed(id))
  /** Instants in weeks with a transition in every zone above (March/April, September/October/November). */
  const nearTransitions = fc
    .tuple(
      fc.constantFrom(2024, 2026, 2031),
      fc.constantFrom(2, 3, 8, 9, 10),
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 24 * 60 - 1 })
    )
    .map(([year, month, day, minutes]) => Date.UTC(year, month, day) + minutes * 60_000)
  const instant = fc.oneof(nearTransitions, fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) }))
  /** A sync date within a few hours of the 7-day edge, in whole seconds (as clients send them). */
  const aroundEdge = fc.integer({ min: -4 * 3600, max: 4 * 3600 }).map((seconds) => 7 * DAY + seconds * 1000)
  const atom = (epochMillis: number, offsetMillis: number) =>
    AtomDateTime.formatEpoch(Math.floor(epochMillis / 1000) * 1000, offsetMillis)

  it("a spring-forward week is 167 hours: the server clamps a sync date 167.5 h old, a fixed offset would not", () => {
    const zone = DateTime.zoneUnsafeMakeNamed("Europe/Berlin")
    // Berlin moved from +01:00 to +02:00 on 2026-03-29
    const serverNow = DateTime.unsafeMakeZoned(Date.parse("2026-04-01T12:00:00+02:00"), { timeZone: zone })
    const requested = serverNow.epochMillis - 167.5 * HOUR
    const server = RecentQuery.fromParams({ LAST_SYNC_DATE: atom(requested, 2 * HOUR) }, serverNow, {
      serverTimeZone: zone
    })
    assert.isTrue(RecentQuery.isClamped(server))
    assert.strictEqual(sinceMillis(server), serverNow.epochMillis - 167 * HOUR)
    const offsetOnly = DateTime.setZone(serverNow, DateTime.zoneMakeOffset(2 * HOUR))
    // what the response's fixed offset says: 168 h, not clamped
    assert.isFalse(
      RecentQuery.isClamped(
        RecentQuery.fromParams({ LAST_SYNC_DATE: atom(requested, 2 * HOUR) }, offsetOnly, {
          serverTimeZone: offsetOnly.zone
        })
      )
    )
    assert.isTrue(RecentQuery.mayClamp(DateTime.unsafeMake(requested), offsetOnly))
    assert.isTrue(RecentQuery.mayClamp(DateTime.unsafeMake(requested), serverNow))
    assert.isFalse(RecentQuery.mayClamp(DateTime.unsafeMake(serverNow.epochMillis - 166.5 * HOUR), serverNow))
  })

  it.prop(
    "with the portal's zone, mayClamp is exactly the server's clamp",
    [fc.constantFrom(...zones), instant, aroundEdge],
    ([zone, nowMillis, age]) => {
      const serverNow = DateTime.unsafeMakeZoned(nowMillis, { timeZone: zone })
      const requested = nowMillis - age
      const server = RecentQuery.fromParams({ LAST_SYNC_DATE: atom(requested, 0) }, serverNow, { serverTimeZone: zone })
      const sent = Math.floor(requested / 1000) * 1000
      assert.strictEqual(RecentQuery.mayClamp(DateTime.unsafeMake(sent), serverNow), RecentQuery.isClamped(server))
    },
    { fastCheck: { numRuns: 2000 } }
  )

  it.prop(
    "with only the response's offset, every sync date the server clamps is reported, and the margin stays within 2 h of each side",
    [fc.constantFrom(...zones), instant, aroundEdge],
    ([zone, nowMillis, age]) => {
      const serverNow = DateTime.unsafeMakeZoned(nowMillis, { timeZone: zone })
      const offsetOnly = DateTime.setZone(serverNow, DateTime.zoneMakeOffset(DateTime.zonedOffset(serverNow)))
      const requested = Math.floor((nowMillis - age) / 1000) * 1000
      const server = RecentQuery.fromParams({ LAST_SYNC_DATE: atom(requested, 0) }, serverNow, { serverTimeZone: zone })
      if (RecentQuery.isClamped(server)) assert.isTrue(RecentQuery.mayClamp(DateTime.unsafeMake(requested), offsetOnly))
      const exact = RecentQuery.latestClampBound(serverNow).epochMillis
      const judged = RecentQuery.latestClampBound(offsetOnly).epochMillis
      assert.isAtLeast(judged - exact, 0)
      assert.isAtMost(judged - exact, 2 * RecentQuery.ZONE_SHIFT_MARGIN_MILLIS)
    },
    { fastCheck: { numRuns: 2000 } }
  )
})
