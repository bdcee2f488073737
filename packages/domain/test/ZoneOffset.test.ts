import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import * as DateTime from "effect/DateTime"
import * as Equal from "effect/Equal"
import * as Option from "effect/Option"
import * as ZoneOffset from "../src/ZoneOffset.js"

const zoneNames = [
  "Europe/Moscow",
  "Europe/Berlin",
  "America/New_York",
  "America/St_Johns",
  "Australia/Lord_Howe",
  "Asia/Kathmandu",
  "Antarctica/Troll",
  "Europe/Amsterdam",
  "+05:30",
  "UTC"
]
const zones = zoneNames.map((name) => Option.getOrThrow(DateTime.zoneFromString(name)))
const exact = (zone: DateTime.TimeZone, epochMillis: number): number =>
  DateTime.zonedOffset(DateTime.unsafeMakeZoned(epochMillis, { timeZone: zone }))

/** Any instant from 1850 to 2150, and instants within a day of the 2026 transitions (last Sundays, first Sundays). */
const instant = FastCheck.oneof(
  FastCheck.integer({ min: Date.UTC(1850, 0, 1), max: Date.UTC(2150, 0, 1) }),
  FastCheck.tuple(
    FastCheck.constantFrom(2, 3, 9, 10),
    FastCheck.integer({ min: 0, max: 31 }),
    FastCheck.integer({ min: -1_440, max: 1_440 })
  ).map(([month, day, minutes]) => Date.UTC(2026, month, day) + minutes * 60_000 + 123)
)

describe("ZoneOffset", () => {
  it.prop(
    "offsetAt is exactly DateTime's offset, transitions and historic zones included",
    [FastCheck.constantFrom(...zones), instant],
    ([zone, epochMillis]) => {
      assert.strictEqual(ZoneOffset.offsetAt(zone, epochMillis), exact(zone, epochMillis))
    },
    { fastCheck: { numRuns: 2000 } }
  )

  it.prop(
    "uniformOffset, when it answers, is the offset at every instant of the span",
    [FastCheck.constantFrom(...zones), instant, FastCheck.integer({ min: 0, max: 3 * 86_400_000 })],
    ([zone, from, length]) => {
      const offset = ZoneOffset.uniformOffset(zone, from, from + length)
      if (offset === undefined) return
      for (let t = from; t <= from + length; t += Math.max(1, Math.floor(length / 50))) {
        assert.strictEqual(exact(zone, t), offset)
      }
      assert.strictEqual(exact(zone, from + length), offset)
    },
    { fastCheck: { numRuns: 300 } }
  )

  it("the offset changes within the hour of a half-hour zone's transition", () => {
    const zone = DateTime.zoneUnsafeMakeNamed("America/St_Johns")
    // 2026-03-08 02:00 local (-03:30) is 05:30 UTC: the clocks go to 03:00 (-02:30)
    assert.strictEqual(ZoneOffset.offsetAt(zone, Date.parse("2026-03-08T05:29:59Z")), -3.5 * 3_600_000)
    assert.strictEqual(ZoneOffset.offsetAt(zone, Date.parse("2026-03-08T05:30:00Z")), -2.5 * 3_600_000)
    assert.isUndefined(
      ZoneOffset.uniformOffset(zone, Date.parse("2026-03-08T05:00:00Z"), Date.parse("2026-03-08T05:10:00Z"))
    )
  })

  it.prop(
    "fixedAt keeps the instant with the zone's offset at it; offset zones are shared",
    [FastCheck.constantFrom(...zones), instant],
    ([zone, epochMillis]) => {
      const fixed = ZoneOffset.fixedAt(zone, epochMillis)
      assert.strictEqual(fixed.epochMillis, epochMillis)
      assert.isTrue(Equal.equals(fixed.zone, DateTime.zoneMakeOffset(exact(zone, epochMillis))))
      assert.strictEqual(ZoneOffset.offsetZone(exact(zone, epochMillis)), fixed.zone)
    }
  )
})
