/**
 * ATOM date-times as Bitrix24 writes them: `YYYY-MM-DDThh:mm:ss±hh:mm` (PHP `date('c')`).
 *
 * Decoding keeps the server's offset (a `DateTime.Zoned` with an offset zone); encoding writes the
 * same form back: whole seconds, a numeric offset, never `Z`.
 *
 * @since 0.1.0
 */
import type * as Arbitrary from "effect/Arbitrary"
import * as DateTime from "effect/DateTime"
import type * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import { FAIL, FastPathId } from "./internal/fastPath.js"
import { falseAsNull } from "./internal/wire.js"
import { offsetZone } from "./ZoneOffset.js"

const MINUTE = 60_000
const DAY = 86_400_000

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48
  return c >= 0 && c <= 9 ? c : Number.NaN
}
const two = (s: string, i: number): number => digit(s, i) * 10 + digit(s, i + 1)

const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
      ? 29
      : 28
    : month === 4 || month === 6 || month === 9 || month === 11
      ? 30
      : 31

/**
 * Parses a strict ATOM string into a `DateTime.Zoned` that keeps its offset.
 *
 * Returns `None` for anything that is not exactly `YYYY-MM-DDThh:mm:ss±hh:mm` with in-range fields.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (input: string): Option.Option<DateTime.Zoned> => {
  const millis = parseEpochAndOffset(input)
  return millis === undefined ? Option.none() : Option.some(makeZoned(millis[0], millis[1]))
}

/** @internal */
export const parseEpochAndOffset = (s: string): readonly [epochMillis: number, offsetMillis: number] | undefined => {
  const epochMillis = parseEpoch(s)
  return Number.isNaN(epochMillis) ? undefined : [epochMillis, parsedOffset]
}

/** The offset of the last string {@link parseEpoch} accepted (no tuple per value on the hot path). */
let parsedOffset = 0

/** The instant of a strict ATOM string, or `NaN`; its offset is left in `parsedOffset`. */
const parseEpoch = (s: string): number => {
  if (
    s.length !== 25 ||
    s.charCodeAt(4) !== 45 || // -
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 || // T
    s.charCodeAt(13) !== 58 || // :
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(22) !== 58
  ) {
    return Number.NaN
  }
  const sign = s.charCodeAt(19)
  if (sign !== 43 && sign !== 45) return Number.NaN
  const year = two(s, 0) * 100 + two(s, 2)
  const month = two(s, 5)
  const day = two(s, 8)
  const hour = two(s, 11)
  const minute = two(s, 14)
  const second = two(s, 17)
  const offsetHours = two(s, 20)
  const offsetMinutes = two(s, 23)
  // NaN fails every comparison below, so a non-digit anywhere rejects the string.
  if (
    !(month >= 1 && month <= 12) ||
    !(day >= 1 && day <= daysInMonth(year, month)) ||
    !(hour <= 23) ||
    !(minute <= 59) ||
    !(second <= 59) ||
    !(offsetHours <= 23) ||
    !(offsetMinutes <= 59)
  ) {
    return Number.NaN
  }
  const offset = (sign === 45 ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * MINUTE
  parsedOffset = offset
  return utcMillis(year, month, day, hour, minute, second) - offset
}

/**
 * Like `Date.UTC` (proleptic Gregorian calendar, no leap seconds), without its mapping of years 0-99 to 1900-1999:
 * days from the civil date by H. Hinnant's `days_from_civil`, in plain arithmetic (no `Date`, no boxed number per
 * step on the decoding hot path).
 */
const utcMillis = (year: number, month: number, day: number, hour: number, minute: number, second: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  const days = era * 146_097 + dayOfEra - 719_468
  return days * DAY + ((hour * 60 + minute) * 60 + second) * 1000
}

/** Per offset: a value in that zone the others are derived from, and the last value made. */
const zones = new Map<number, { readonly anchor: DateTime.Zoned; last: DateTime.Zoned }>()

/**
 * The instant at a fixed offset, as a `DateTime.Zoned` built by Effect's public constructors:
 * `DateTime.unsafeMakeZoned` goes through a `Date` and an intermediate `Utc` value, `DateTime.mapEpochMillis` on a
 * value already in the zone builds the new one directly (about 40 % less time, the same value). An item repeats its
 * instants back to back (`date_update` is its message's `date`), so the last value made is handed out again for the
 * same instant (3,059 values for 5,055 dates in the benchmark's 1,000 items, a third less time): `DateTime` values
 * are immutable, equal ones can be shared.
 *
 * @internal
 */
export const makeZoned = (epochMillis: number, offsetMillis: number): DateTime.Zoned => {
  let zone = zones.get(offsetMillis)
  if (zone === undefined) {
    const anchor = DateTime.unsafeMakeZoned(0, { timeZone: offsetZone(offsetMillis) })
    zone = { anchor, last: anchor }
    zones.set(offsetMillis, zone)
  }
  if (zone.last.epochMillis !== epochMillis) zone.last = DateTime.mapEpochMillis(zone.anchor, () => epochMillis)
  return zone.last
}

/**
 * How many wire strings one generation of the decoding cache holds. A response repeats its dates (an item's
 * `date_update` is its message's `date`, chats share their creation dates) and so do successive responses (a polling
 * client reads the same items again): 2,305 distinct values for 5,101 dates in the benchmark's 1,000 items, 20,632
 * for 50,941 in its 10,000.
 *
 * @internal
 */
export const CACHE_GENERATION = 16_384

/**
 * The decoded values of recent wire strings, in two generations: a string found is moved to the young one; when the
 * young one is full it becomes the old one and the old one is dropped. At most `2 * CACHE_GENERATION` entries, and
 * one `Map.get` per hit instead of a new `DateTime` (Effect's constructor defines three properties per value).
 */
let young = new Map<string, DateTime.Zoned>()
let old = new Map<string, DateTime.Zoned>()

const remember = (input: string, value: DateTime.Zoned): DateTime.Zoned => {
  if (young.size >= CACHE_GENERATION) {
    old = young
    young = new Map()
  }
  young.set(input, value)
  return value
}

/** The decoded value of an ATOM string, or `FAIL`: what `decodeAtom` succeeds with, from the cache when it can. */
const decodeCached = (input: string): DateTime.Zoned | typeof FAIL => {
  const value = young.get(input)
  if (value !== undefined) return value
  const older = old.get(input)
  if (older !== undefined) return remember(input, older)
  const epochMillis = parseEpoch(input)
  return Number.isNaN(epochMillis) ? FAIL : remember(input, makeZoned(epochMillis, parsedOffset))
}

/**
 * How many wire strings the decoding cache holds now (for the tests: it stays bounded).
 *
 * @internal
 */
export const cacheSize = (): number => young.size + old.size

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`)
const pad4 = (n: number): string => (n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : `${n}`)

/**
 * The offset of a `DateTime` in milliseconds: 0 for UTC, the zone's offset at that instant otherwise.
 *
 * @since 0.1.0
 * @category formatting
 */
export const offsetOf = (self: DateTime.DateTime): number =>
  self._tag === "Utc" ? 0 : self.zone._tag === "Offset" ? self.zone.offset : DateTime.zonedOffset(self)

/**
 * Formats any `DateTime` as ATOM: whole seconds (truncated), the numeric offset of its zone
 * (`+00:00` for UTC values), never `Z` and never fractional seconds.
 *
 * @since 0.1.0
 * @category formatting
 */
export const format = (self: DateTime.DateTime): string => formatEpoch(self.epochMillis, offsetOf(self))

/**
 * Formats epoch milliseconds at a fixed offset (milliseconds) as ATOM.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatEpoch = (epochMillis: number, offsetMillis: number): string => {
  const offsetMinutes = Math.round(offsetMillis / MINUTE)
  const local = Math.floor(epochMillis / 1000) * 1000 + offsetMinutes * MINUTE
  const days = Math.floor(local / DAY)
  const inDay = local - days * DAY
  const date = new Date(days * DAY)
  const abs = Math.abs(offsetMinutes)
  return `${pad4(date.getUTCFullYear())}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}T${pad2(
    Math.floor(inDay / 3_600_000)
  )}:${pad2(Math.floor(inDay / MINUTE) % 60)}:${pad2(Math.floor(inDay / 1000) % 60)}${offsetMinutes < 0 ? "-" : "+"}${pad2(
    Math.floor(abs / 60)
  )}:${pad2(abs % 60)}`
}

/**
 * Whole seconds from 1970 to 2099 at whole-minute offsets up to ±14:00: every value the wire can carry.
 */
const arbitrary = (): Arbitrary.LazyArbitrary<DateTime.Zoned> => (fc) =>
  fc
    .tuple(fc.integer({ min: 0, max: 4_102_444_799 }), fc.integer({ min: -14 * 4, max: 14 * 4 }))
    .map(([seconds, quarterHours]) => makeZoned(seconds * 1000, quarterHours * 15 * MINUTE))

/**
 * A `DateTime.Zoned` that an ATOM string can represent exactly.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AtomDateTimeFromSelf: Schema.Schema<DateTime.Zoned> = Schema.DateTimeZonedFromSelf.annotations({
  identifier: "AtomDateTimeFromSelf",
  arbitrary
})

const decodeAtom = (
  input: string,
  _: AST.ParseOptions,
  ast: AST.AST
): Either.Either<DateTime.Zoned, ParseResult.ParseIssue> => {
  const parsed = parseEpochAndOffset(input)
  return parsed === undefined
    ? ParseResult.fail(
        new ParseResult.Type(
          ast,
          input,
          `Expected an ATOM date-time like 2026-02-25T18:30:00+03:00, got ${JSON.stringify(input)}`
        )
      )
    : ParseResult.succeed(makeZoned(parsed[0], parsed[1]))
}

/**
 * `YYYY-MM-DDThh:mm:ss±hh:mm` <-> `DateTime.Zoned` keeping the offset.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AtomDateTime: Schema.Schema<DateTime.Zoned, string> = Schema.transformOrFail(
  Schema.String,
  AtomDateTimeFromSelf,
  {
    strict: true,
    decode: decodeAtom,
    encode: (dateTime) => ParseResult.succeed(format(dateTime))
  }
).annotations({
  identifier: "AtomDateTime",
  [FastPathId]: (input: unknown): unknown => (typeof input === "string" ? decodeCached(input) : FAIL),
  description: "an ATOM date-time (YYYY-MM-DDThh:mm:ss±hh:mm)",
  jsonSchema: { type: "string", format: "date-time" }
})

/**
 * An ATOM date-time or `false` (the server's "never"/"not set"): decodes `false` to `null`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AtomDateTimeOrFalse: Schema.Schema<DateTime.Zoned | null, string | false> = falseAsNull(
  AtomDateTime
).annotations({ identifier: "AtomDateTimeOrFalse" })

const DateTimeFromSelf = Schema.declare((u: unknown): u is DateTime.DateTime => DateTime.isDateTime(u), {
  identifier: "DateTime",
  arbitrary: () => (fc) =>
    fc.integer({ min: 946_684_800, max: 4_102_444_799 }).map((seconds) => DateTime.unsafeMake(seconds * 1000))
})

/**
 * Any `DateTime` on the way out, written as ATOM with a numeric offset and whole seconds (the server
 * misreads `Z` and fractional seconds, see `BitrixDate`); decoded from ATOM as a `DateTime.Zoned`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AtomDateTimeParam: Schema.Schema<DateTime.DateTime, string> = Schema.transformOrFail(
  Schema.String,
  DateTimeFromSelf,
  {
    strict: true,
    decode: decodeAtom,
    encode: (dateTime) => ParseResult.succeed(format(dateTime))
  }
).annotations({ identifier: "AtomDateTimeParam", jsonSchema: { type: "string", format: "date-time" } })
