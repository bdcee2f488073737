import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as BitrixDate from "../src/BitrixDate.js"

/**
 * The expected values below were produced by PHP 8.2.32 (Debian 12 `php-cli`) running the Bitrix logic:
 * `date_parse_from_format("Y-m-d\TH:i:sP", $v)`; reject when `error_count > 1` and the first error is neither
 * "Trailing data" nor "Data missing"; `new \DateTime()`, then `setTimezone(new \DateTimeZone(secondsToOffset(zone)))`
 * only when `zone_type == 1`, then `setDate(year, month ?: 1, day ?: 1)` and `setTime(hour, minute, second)`, printed
 * with `format('c')`; an exception (from `\DateTimeZone`) counts as ignored. `date_default_timezone_set()` as stated.
 */
type Row = readonly [input: string, expected: string, note: string]

/** `format('c')`: wall-clock time in the value's zone, offset truncated to whole minutes, years as `%04d`. */
const phpAtom = (self: DateTime.Zoned): string => {
  const parts = DateTime.toParts(self)
  const offsetSeconds = Math.trunc(DateTime.zonedOffset(self) / 1000)
  const abs = Math.abs(offsetSeconds)
  const pad = (n: number) => String(n).padStart(2, "0")
  const year = parts.year < 0 ? `-${String(-parts.year).padStart(3, "0")}` : String(parts.year).padStart(4, "0")
  return `${year}-${pad(parts.month)}-${pad(parts.day)}T${pad(parts.hours)}:${pad(parts.minutes)}:${pad(parts.seconds)}${
    offsetSeconds < 0 ? "-" : "+"
  }${pad(Math.floor(abs / 3600))}:${pad(Math.floor((abs % 3600) / 60))}`
}

const run = (input: string, zone: DateTime.TimeZone): string =>
  Option.match(BitrixDate.parse(input, zone), { onNone: () => "ignored", onSome: phpAtom })

const moscow = DateTime.zoneUnsafeMakeNamed("Europe/Moscow")
const berlin = DateTime.zoneUnsafeMakeNamed("Europe/Berlin")

/** server-semantics.md §1.3, row by row (server TZ Europe/Moscow). */
const semanticsTable: ReadonlyArray<Row> = [
  ["2026-02-25T18:30:00+01:00", "2026-02-25T18:30:00+01:00", "correct ATOM"],
  ["2026-02-25T18:30:00+0100", "2026-02-25T18:30:00+01:00", "offset without colon"],
  ["2026-02-25T18:30:00-05:00", "2026-02-25T18:30:00-05:00", "negative offset"],
  ["2026-02-25T18:30:00Z", "2026-02-25T18:30:00+03:00", "Z ignored: server local"],
  ["2026-02-25T18:30:00.000Z", "2026-02-25T18:30:00+03:00", "toISOString(): trailing data, zone lost"],
  ["2026-02-25T18:30:00.123+03:00", "2026-02-25T18:30:00+03:00", "fraction: offset lost (server local)"],
  ["2026-02-25T18:30:00", "2026-02-25T18:30:00+03:00", "no zone: server local"],
  ["2026-02-25", "2026-02-25T00:00:00+03:00", "date only: midnight server local"],
  ["2026-02-25T18:30:00+01:00 extra", "2026-02-25T18:30:00+01:00", "trailing junk, offset kept"],
  ["2026-02-25T18:30:00GMT+2", "2026-02-25T18:30:00+02:00", "GMT+2 honoured"],
  ["2026-02-25T18:30:00 Europe/Berlin", "2026-02-25T18:30:00+03:00", "identifier ignored"],
  ["2026-02-25T18:30:00 UTC", "2026-02-25T18:30:00+03:00", "UTC ignored"],
  ["2026-02-25 18:30:00", "ignored", "space instead of T"],
  ["2026-02-25T18:30+01:00", "ignored", "no seconds"],
  ["2026-02-25T18:30:00 01:00", "ignored", "'+' decoded to a space"],
  ["1700000000", "ignored", "Unix timestamp"],
  ["garbage", "ignored", "garbage"],
  ["2026-13-45T99:99:99+01:00", "2027-02-18T04:40:39+01:00", "rolls over"]
]

/** Further edge cases (server TZ Europe/Moscow). */
const extraTable: ReadonlyArray<Row> = [
  ["2026-02-25T18:30:00+14:00", "2026-02-25T18:30:00+14:00", "largest real offset"],
  ["2026-02-25T18:30:00-00:30", "2026-02-25T18:30:00-00:30", "negative sub-hour offset"],
  ["2026-02-25T18:30:00-01:30", "2026-02-25T18:30:00-01:30", "negative offset with minutes"],
  ["2026-02-25T24:00:00+01:00", "2026-02-26T00:00:00+01:00", "24:00 is next midnight"],
  ["2025-02-29T12:00:00+01:00", "2025-03-01T12:00:00+01:00", "Feb 29 of a non-leap year rolls over"],
  ["2024-02-29T12:00:00+01:00", "2024-02-29T12:00:00+01:00", "Feb 29 of a leap year"],
  ["2026-02-25T18:30:00+01:00:00", "2026-02-25T18:30:00+01:00", "offset with seconds"],
  ["2026-02-25T18:30:00+01:00:30", "2026-02-25T18:30:00+01:00", "offset seconds dropped"],
  ["2026-02-25T18:30:00+013045", "2026-02-25T18:30:00+01:30", "HHMMSS offset, seconds dropped"],
  ["2026-02-25T18:30:00+01:00   ", "2026-02-25T18:30:00+01:00", "trailing spaces"],
  ["   2026-02-25T18:30:00+01:00", "2026-02-25T18:30:00+01:00", "leading spaces: one error"],
  ["x2026-02-25T18:30:00+01:00", "2026-02-25T18:30:00+01:00", "leading junk: one error"],
  ["2026-02-25t18:30:00+01:00", "ignored", "lowercase t"],
  ["20260-02-25T18:30:00+01:00", "ignored", "5-digit year"],
  ["2026", "2026-01-01T00:00:00+03:00", "year only"],
  ["1", "0001-01-01T00:00:00+02:30", "one digit: year 1, local mean time"],
  ["0001-01-01T00:00:00", "0001-01-01T00:00:00+02:30", "year 1 in the server zone"],
  ["0000-00-00T00:00:00+00:00", "-001-11-30T00:00:00+00:00", "zero date rolls back"],
  ["9999-99-99T99:99:99-99:59", "10007-06-11T04:40:39-99:59", "every field at its maximum"],
  ["2026-02-25T18:30:00.123+01:00", "2026-02-25T18:30:00+03:00", "fraction drops a non-server offset"],
  ["2026-02-25T18:30:00.5", "2026-02-25T18:30:00+03:00", "fraction, no zone"],
  ["2026-02-25T18:30:00,5+01:00", "2026-02-25T18:30:00+03:00", "comma fraction"],
  ["2026-02-25T18:30:00+01:00.123", "2026-02-25T18:30:00+01:00", "junk after the offset"],
  ["2026-02-25T18:30:5+01:00", "2026-02-25T18:30:00+01:00", "one-digit second: one error, second 0"],
  ["2026-2-5T8:3:00+01:00", "2026-02-05T08:00:00+01:00", "short fields; one-digit minute dropped"],
  ["2026-02-25T18:30:60+01:00", "2026-02-25T18:31:00+01:00", "second 60 rolls over"],
  ["2026-02-25T18:30:00+1", "2026-02-25T18:30:00+01:00", "one-digit offset hour"],
  ["2026-02-25T18:30:00-0", "2026-02-25T18:30:00+00:00", "negative zero offset"],
  ["2026-02-25T18:30:00+", "2026-02-25T18:30:00+00:00", "bare sign: one error, numeric zone 0"],
  ["2026-02-25T18:30:00+99:59", "2026-02-25T18:30:00+99:59", "offset up to 99:59 accepted"],
  ["2026-02-25T18:30:00+99:99", "ignored", "100 hours: DateTimeZone throws"],
  ["2026-02-25T18:30:00+1234567", "2026-02-25T18:30:00+00:00", "7-digit offset: one error, zone 0"],
  ["2026-02-25T18:30:00-00:-30", "2026-02-25T18:30:00+00:30", "strtol reads the signed minutes"],
  ["2026-02-25T18:30:00+01:00Z", "2026-02-25T18:30:00+01:00", "offset then Z"],
  ["2026-02-25T18:30:00UTC", "2026-02-25T18:30:00+03:00", "UTC without space"],
  ["2026-02-25T18:30:00 utc", "2026-02-25T18:30:00+03:00", "utc abbreviation"],
  ["2026-02-25T18:30:00z", "2026-02-25T18:30:00+03:00", "lowercase z"],
  ["2026-02-25T18:30:00 Z", "2026-02-25T18:30:00+03:00", "spaced Z"],
  ["2026-02-25T18:30:00GMT", "2026-02-25T18:30:00+03:00", "GMT without offset"],
  ["2026-02-25T18:30:00 gmt+2", "2026-02-25T18:30:00+03:00", "lowercase gmt+2 is not an offset"],
  ["2026-02-25T18:30:00 MSK", "2026-02-25T18:30:00+03:00", "abbreviation"],
  ["2026-02-25T18:30:00 EST", "2026-02-25T18:30:00+03:00", "abbreviation ignored"],
  ["2026-02-25T18:30:00 CEST", "2026-02-25T18:30:00+03:00", "DST abbreviation ignored"],
  ["2026-02-25T18:30:00 Etc/GMT+5", "2026-02-25T18:30:00+03:00", "Etc identifier ignored"],
  ["2026-02-25T18:30:00 europe/berlin", "2026-02-25T18:30:00+03:00", "identifier in lower case"],
  ["2026-02-25T18:30:00 (Europe/Berlin)", "2026-02-25T18:30:00+03:00", "parenthesised identifier"],
  ["2026-02-25T18:30:00 Europe/Berlin extra", "2026-02-25T18:30:00+03:00", "identifier and junk"],
  ["2026-02-25T18:30:00 Foo/Bar", "2026-02-25T18:30:00+03:00", "unknown zone: one error"],
  ["2026-02-25T18:30:00 abcdef", "2026-02-25T18:30:00+03:00", "unknown word: one error"],
  ["2026-02-25T18:30:00(+01:00)", "2026-02-25T18:30:00+01:00", "parenthesised offset"],
  ["2026-02-25T18:30:00 +01:00", "2026-02-25T18:30:00+01:00", "space before the offset"],
  ["2026-02-25T18:30:00\t+01:00", "2026-02-25T18:30:00+01:00", "tab before the offset"],
  ["2026-02-25T18:30:00 +01:00 extra", "2026-02-25T18:30:00+01:00", "spaced offset and junk"],
  ["2026-02-25T18:30:x5", "ignored", "strtotime fallback, which fails"],
  ["2026-02-25X18:30:00+01:00", "ignored", "wrong T"],
  ["2026/02/25T18:30:00+01:00", "ignored", "slashes"],
  ["2026-02-25T18:30:00+01:00\u00a0", "2026-02-25T18:30:00+01:00", "trailing NBSP"],
  ["2026-02-25T18:30:00 Москва", "ignored", "non-ASCII zone name"]
]

/** Server TZ Europe/Berlin: zone-less values follow the server's DST rules. */
const berlinTable: ReadonlyArray<Row> = [
  ["2026-02-25T18:30:00Z", "2026-02-25T18:30:00+01:00", "Z ignored: Berlin local"],
  ["2026-02-25T18:30:00.123+03:00", "2026-02-25T18:30:00+01:00", "fraction: offset lost"],
  ["2026-02-25", "2026-02-25T00:00:00+01:00", "date only"],
  ["2026-03-29T02:30:00", "2026-03-29T03:30:00+02:00", "in the spring-forward gap: moved forward"],
  ["2026-10-25T02:30:00", "2026-10-25T02:30:00+01:00", "ambiguous: the later offset"],
  ["2026-10-25T01:30:00", "2026-10-25T01:30:00+02:00", "before the fall-back"],
  ["2026-03-28T26:30:00", "2026-03-29T03:30:00+02:00", "rolls over into the gap"],
  ["0001-01-01T00:00:00", "0001-01-01T00:00:00+00:53", "local mean time"]
]

describe("BitrixDate.parse", () => {
  describe("server-semantics §1.3 table (PHP 8.2, Europe/Moscow)", () => {
    it.each(semanticsTable)("%j -> %s (%s)", (input, expected) => {
      assert.strictEqual(run(input, moscow), expected)
    })
  })

  describe("extra edge cases (PHP 8.2, Europe/Moscow)", () => {
    it.each(extraTable)("%j -> %s (%s)", (input, expected) => {
      assert.strictEqual(run(input, moscow), expected)
    })
  })

  describe("server in Europe/Berlin (PHP 8.2)", () => {
    it.each(berlinTable)("%j -> %s (%s)", (input, expected) => {
      assert.strictEqual(run(input, berlin), expected)
    })
  })

  it("returns the instant, not just the text: Z is read as server-local time", () => {
    const parsed = Option.getOrThrow(BitrixDate.parse("2026-02-25T18:30:00Z", moscow))
    assert.strictEqual(DateTime.formatIso(parsed), "2026-02-25T15:30:00.000Z")
  })

  it("keeps a numeric offset as an offset zone", () => {
    const parsed = Option.getOrThrow(BitrixDate.parse("2026-02-25T18:30:00-05:00", moscow))
    assert.strictEqual(parsed.zone._tag, "Offset")
    assert.strictEqual(DateTime.zonedOffset(parsed), -5 * 3_600_000)
  })

  it("reads zone-less values in an offset server zone", () => {
    const parsed = Option.getOrThrow(BitrixDate.parse("2026-02-25T18:30:00", DateTime.zoneMakeOffset(3_600_000)))
    assert.strictEqual(DateTime.formatIso(parsed), "2026-02-25T17:30:00.000Z")
  })

  describe("documented deviations", () => {
    // PHP 8.2 gives 2026-02-25T21:30:00+03:00 (strtotime honours Z) and 2026-02-25T20:30:00+03:00 (Berlin) for these:
    // their first error is "A two digit second could not be found", for which Bitrix retries with strtotime().
    it.each(["2026-02-25T18:30Z", "2026-02-25T18:30 Europe/Berlin"])("%j: strtotime fallback not emulated", (input) => {
      assert.strictEqual(run(input, moscow), "ignored")
    })
    it("an empty string is not parsed (Bitrix would yield now; the REST handler never passes it)", () => {
      assert.strictEqual(run("", moscow), "ignored")
    })
    it("a NUL byte is rejected (PHP 8 throws a ValueError)", () => {
      assert.strictEqual(run("2026-02-25T18:30:00+01:00\u0000", moscow), "ignored")
    })
  })
})
