/**
 * Bitrix's lenient date parsing: how the server reads `LAST_SYNC_DATE` / `LAST_UPDATE` (and `im.recent.list`'s
 * `LAST_MESSAGE_DATE`).
 *
 * The REST handler calls `new \Bitrix\Main\Type\DateTime($value, \DateTimeInterface::RFC3339)`. That runs PHP's
 * `date_parse_from_format("Y-m-d\TH:i:sP", $value)` and:
 *
 * - rejects the value only when `error_count > 1` and the first reported error is neither `Trailing data` nor
 *   `Data missing`: a single error of any kind is tolerated, and so is trailing junk after a complete value;
 * - applies the parsed zone only when it is a numeric offset (`zone_type == 1`), truncated to whole minutes;
 *   `Z`, `UTC`, abbreviations, identifiers and a zone lost to trailing data (fractional seconds) leave the
 *   wall-clock time in the **server's** time zone;
 * - writes the fields with `setDate`/`setTime`, so out-of-range values roll over (`2026-13-45T99:99:99+01:00` is
 *   `2027-02-18T04:40:39+01:00`) and missing ones default (month and day to 1, the time to midnight).
 *
 * Every behaviour here was checked against PHP 8.2 running that logic (see the test table).
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import { dateParseFromFormat } from "./internal/dateParseFromFormat.js"

/**
 * `\DateTimeInterface::RFC3339` (= `ATOM`), the format the REST handler parses sync dates with.
 *
 * @since 0.1.0
 * @category constants
 */
export const RFC3339_FORMAT = "Y-m-d\\TH:i:sP"

/** The first errors `Bitrix\Main\Type\Date::parse` lets through when there are several. */
const TOLERATED_FIRST_ERRORS: ReadonlySet<string> = new Set(["Trailing data", "Data missing"])

/** With this first error Bitrix retries with `strtotime()` (meant for "h:i a" formats); not emulated. */
const STRTOTIME_FALLBACK_ERROR = "A two digit second could not be found"

/**
 * Parses a value the way the Bitrix server does and returns the instant it reads: in the numeric offset the value
 * carried, or in `serverTimeZone` (PHP's `date_default_timezone_get()` on the portal) when it carried none, or a zone
 * Bitrix ignores. `None` means the server throws and `im.recent.get` silently treats the date as not sent.
 *
 * Known differences from the server, all outside what a client would send:
 *
 * - an empty string is `None`; Bitrix skips parsing and yields "now", but the REST handler never passes a falsy value;
 * - a value whose first error is "A two digit second could not be found" (e.g. `2026-02-25T18:30:x5`, or
 *   `2026-02-25T18:30 Europe/Berlin`) is `None`; Bitrix hands such values to `strtotime()`, which is not emulated;
 * - a value containing a NUL byte is `None`; PHP 8 throws a `ValueError` there, which the handler does not catch;
 * - tz identifiers are recognised with the runtime's ICU data rather than PHP's tz database (it only decides whether
 *   a name counts as an error; the zone is ignored either way).
 *
 * Wall-clock times in a DST gap move forward and ambiguous ones take the later (standard-time) offset, as PHP does.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (value: string, serverTimeZone: DateTime.TimeZone): Option.Option<DateTime.Zoned> => {
  if (value === "" || value.includes("\0")) return Option.none()
  const parsed = dateParseFromFormat(RFC3339_FORMAT, value)
  if (parsed.errorCount > 1) {
    const first = parsed.errors.values().next().value
    if (first === STRTOTIME_FALLBACK_ERROR || first === undefined || !TOLERATED_FIRST_ERRORS.has(first)) {
      return Option.none()
    }
  }
  const wallClock = utcMillis(
    parsed.year ?? 0,
    parsed.month ?? 1,
    parsed.day ?? 1,
    parsed.hour ?? 0,
    parsed.minute ?? 0,
    parsed.second ?? 0
  )
  if (parsed.zoneType === 1) {
    // Bitrix rebuilds the zone as "+HHMM" (`secondsToOffset`): seconds are dropped, and 100 hours or more is a
    // string `new \DateTimeZone()` rejects with an exception.
    const abs = Math.abs(parsed.zone)
    const hours = Math.floor(abs / 3600)
    if (hours >= 100) return Option.none()
    const offset = (parsed.zone < 0 ? -1 : 1) * (hours * 3600 + Math.floor((abs % 3600) / 60) * 60) * 1000
    return Option.some(DateTime.unsafeMakeZoned(wallClock - offset, { timeZone: DateTime.zoneMakeOffset(offset) }))
  }
  return Option.some(inZone(wallClock, serverTimeZone))
}

/** 400 Gregorian years: the calendar repeats exactly. */
const CYCLE_MILLIS = 146_097 * 86_400_000
/** 0002-01-01T00:00:00Z */
const YEAR_2_MILLIS = -62_104_060_800_000

/**
 * The instant a wall-clock time denotes in a zone, as PHP resolves it: a time in a DST gap moves forward by the gap, an
 * ambiguous time takes the later offset (Effect's `disambiguation: "later"`).
 *
 * Effect reads wall-clock fields from `Intl` without the era, so named zones misplace years before 1 CE. Such times
 * lie before any tz transition (the zone's local mean time applies), so they are resolved 400 years later, where the
 * calendar and the offset are the same, and moved back.
 */
const inZone = (wallClock: number, zone: DateTime.TimeZone): DateTime.Zoned => {
  if (zone._tag === "Offset") return DateTime.unsafeMakeZoned(wallClock - zone.offset, { timeZone: zone })
  const shift = wallClock < YEAR_2_MILLIS ? Math.ceil((YEAR_2_MILLIS - wallClock) / CYCLE_MILLIS) * CYCLE_MILLIS : 0
  const zoned = DateTime.unsafeMakeZoned(wallClock + shift, {
    timeZone: zone,
    adjustForTimeZone: true,
    disambiguation: "later"
  })
  return shift === 0 ? zoned : DateTime.unsafeMakeZoned(zoned.epochMillis - shift, { timeZone: zone })
}

/** Wall-clock fields to "UTC" millis with rollover, like `Date.UTC` but without mapping years 0-99 to 1900-1999. */
const utcMillis = (year: number, month: number, day: number, hour: number, minute: number, second: number): number => {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  return date.setUTCHours(hour, minute, second, 0)
}
