/**
 * `im-recent recent`: the user's recent chats (`im.recent.get`) as a table, or with `--json` as the response in its
 * wire encoding.
 *
 * The table has a pinned marker, the title, the type, the last message trimmed to the terminal's width, its date in
 * local time and the unread counter; a summary line follows. `--json` prints `{ result, time }` encoded with the
 * domain schema (`RecentGet.Response`), so dates keep the server's ATOM offsets and the output decodes back with the
 * same schema.
 *
 * `--since` sends `LAST_SYNC_DATE`: only the items changed since then. It takes an ATOM date-time
 * (`2026-02-25T18:30:00+03:00`, or with `Z` for UTC, which goes out as `+00:00`: the server ignores a `Z`) or a
 * duration ago (`2h`, `30m`, `1d`). Values the server would misread and whose meaning is not clear (fractional
 * seconds, no offset, zone names) are refused with an explanation.
 *
 * @since 0.1.0
 */
import { ImRecent } from "@im-recent/client"
import { AtomDateTime, RecentGet } from "@im-recent/domain"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as CliError from "./CliError.js"
import * as Connection from "./Connection.js"
import * as Filters from "./Filters.js"
import * as CommandLine from "./internal/commandLine.js"
import * as Duration from "./internal/duration.js"
import * as Text from "./internal/text.js"
import * as RecentTable from "./RecentTable.js"

/**
 * The parsed flags.
 *
 * @since 0.1.0
 * @category models
 */
export interface Flags extends Filters.Flags, Connection.Flags {
  readonly since: Option.Option<string>
  readonly json: boolean
}

const LOOSE =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2})?(\.\d+)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?|[A-Za-z][A-Za-z0-9_/+-]*)?$/

const accepted =
  "Accepted: an ATOM date-time YYYY-MM-DDThh:mm:ss±hh:mm like 2026-02-25T18:30:00+03:00 (or with Z for UTC), or a duration ago like 2h, 30m, 1d."

const offsetText = (offsetMillis: number): string => {
  const minutes = Math.round(Math.abs(offsetMillis) / 60_000)
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`)
  return `${offsetMillis < 0 ? "-" : "+"}${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`
}

const NUMERIC_OFFSET = /^[+-]\d{2}:\d{2}$/

const monthNames = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December"
]

/** The days of `month` (1–12) in `year`, in the proleptic Gregorian calendar. */
const daysIn = (year: number, month: number): number => {
  const date = new Date(0)
  date.setUTCFullYear(year, month, 0)
  return date.getUTCDate()
}

/**
 * What is out of range in a date-time written `YYYY-MM-DD[Thh:mm[:ss]][±hh[:mm]]`, field by field (month, day,
 * hour, minute, second, offset), as the server's ATOM parser would not take it.
 */
const outOfRange = (date: string, hhmm?: string, seconds?: string, zone?: string): ReadonlyArray<string> => {
  const wrong: Array<string> = []
  const check = (field: string, text: string, min: number, max: number, range: string) => {
    const value = Number(text)
    if (value < min || value > max) wrong.push(`${field} ${text} is out of range (${range})`)
  }
  const year = Number(date.slice(0, 4))
  const month = Number(date.slice(5, 7))
  check("month", date.slice(5, 7), 1, 12, "01–12")
  if (month >= 1 && month <= 12) {
    const days = daysIn(year, month)
    check("day", date.slice(8, 10), 1, days, `01–${days} in ${monthNames[month - 1]} ${date.slice(0, 4)}`)
  } else {
    check("day", date.slice(8, 10), 1, 31, "01–31")
  }
  if (hhmm !== undefined) {
    check("hour", hhmm.slice(0, 2), 0, 23, "00–23")
    check("minute", hhmm.slice(3, 5), 0, 59, "00–59")
  }
  if (seconds !== undefined) check("second", seconds.slice(1), 0, 59, "00–59")
  const offset = zone === undefined ? null : /^[+-](\d{2}):?(\d{2})?$/.exec(zone)
  if (offset !== null && (Number(offset[1]) > 23 || Number(offset[2] ?? 0) > 59)) {
    wrong.push(`offset ${zone} is out of range (hours 00–23, minutes 00–59)`)
  }
  return wrong
}

/**
 * Reads `--since`: an ATOM date-time (a `Z` zone is read as `+00:00`, the form the server understands), or a
 * duration before `now`. Anything else is refused with a message that says how the server would misread it and what
 * to write instead; `localOffset` (milliseconds) is used in that suggestion for values without a zone.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseSince = (
  value: string,
  now: DateTime.Utc,
  localOffset = 0
): Either.Either<DateTime.DateTime, CliError.UsageError> => {
  const text = value.trim()
  const atom = AtomDateTime.parse(text)
  if (Option.isSome(atom)) return Either.right(atom.value)
  const ago = Duration.parse(text, { bareSeconds: false })
  if (Option.isSome(ago)) return Either.right(DateTime.subtractDuration(now, ago.value))
  const refuse = (why: string, example?: string) =>
    Either.left(
      CliError.usage(
        `--since ${value} is refused: ${why}.${example === undefined ? "" : ` Write --since ${example}.`} ${accepted}`
      )
    )
  const loose = LOOSE.exec(text)
  if (loose === null) return refuse("it is neither a date-time nor a duration")
  const [, date, hhmm, seconds, fraction, zone] = loose
  const wrong = outOfRange(date, hhmm, seconds, zone)
  if (wrong.length > 0) return refuse(wrong.join(", "))
  const wall = `${date}T${hhmm ?? "00:00"}${seconds ?? ":00"}`
  const local = offsetText(localOffset)
  if (hhmm === undefined) {
    return refuse("a date alone would be read as midnight in the portal's time zone", `${wall}${local}`)
  }
  const utc = zone === "Z" || zone === "z"
  const suggested = `${wall}${utc ? "+00:00" : zone !== undefined && NUMERIC_OFFSET.test(zone) ? zone : local}`
  if (utc && seconds !== undefined && fraction === undefined) {
    // UTC, unambiguously: sent as +00:00, which the server reads (it ignores a "Z")
    return Option.match(AtomDateTime.parse(`${wall}+00:00`), {
      onNone: () => refuse("it is not a valid date and time"),
      onSome: Either.right
    })
  }
  if (fraction !== undefined) {
    return refuse(
      "after fractional seconds the server drops the offset and reads the time in the portal's own time zone",
      suggested
    )
  }
  if (zone === undefined) {
    return refuse("without an offset the server reads the time in the portal's own time zone", `${wall}${local}`)
  }
  if (seconds === undefined) return refuse("the seconds are missing", suggested)
  if (/^[A-Za-z]/.test(zone)) {
    return refuse(
      "the server ignores zone names and abbreviations and reads the time in the portal's own time zone",
      `${wall}${local}`
    )
  }
  return refuse("the offset must be written ±hh:mm")
}

/**
 * The width of stdout: the terminal's columns, else `COLUMNS`, else `RecentTable.defaultWidth`.
 *
 * @since 0.1.0
 * @category utils
 */
export const outputWidth: Effect.Effect<number> = Effect.map(
  Effect.orElseSucceed(Config.option(Config.string("COLUMNS")), () => Option.none<string>()),
  (columns) => RecentTable.terminalWidth(process.stdout.columns, Option.getOrUndefined(columns))
)

/**
 * The request parameters the flags stand for.
 *
 * @since 0.1.0
 * @category constructors
 */
export const params = (flags: Flags): Effect.Effect<RecentGet.Params, CliError.UsageError> =>
  Effect.gen(function* () {
    const now = yield* DateTime.now
    const localOffset = DateTime.zonedOffset(DateTime.unsafeMakeZoned(now, { timeZone: DateTime.zoneMakeLocal() }))
    const since = Option.isSome(flags.since)
      ? Option.some(yield* parseSince(flags.since.value, now, localOffset))
      : Option.none()
    const filters = yield* Filters.params(flags, Option.isSome(since) ? "--since" : undefined)
    return Option.match(since, {
      onNone: () => filters,
      onSome: (date): RecentGet.Params => ({ ...filters, LAST_SYNC_DATE: date })
    })
  })

/**
 * Runs the command: reads the list and prints it.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (flags: Flags): Effect.Effect<void, CliError.UsageError | CliError.PortalError> =>
  Effect.gen(function* () {
    const request = yield* params(flags)
    yield* Effect.gen(function* () {
      yield* Connection.announce
      const connection = yield* Connection.Connection
      const recent = yield* ImRecent.ImRecent
      const result = yield* recent
        .get(request)
        .pipe(Effect.mapError((error) => CliError.fromBitrix24Error(error, connection)))
      if (flags.json) {
        const encoded = yield* Schema.encode(RecentGet.Response)({ result: result.items, time: result.time }).pipe(
          Effect.orDie
        )
        return yield* Console.log(JSON.stringify(encoded, null, 2))
      }
      if (result.items.length === 0) {
        return yield* Console.log(
          request.LAST_SYNC_DATE === undefined ? "No recent chats." : "No chats changed since then."
        )
      }
      const zone = DateTime.zoneMakeLocal()
      const width = yield* outputWidth
      const lines = RecentTable.render(result.items, { width, timeZone: zone })
      yield* Console.log([...lines, "", ...Text.wrap(RecentTable.summary(result.items, zone), width)].join("\n"))
    }).pipe(Effect.provide(Connection.layer({ tokenFile: flags.tokenFile })))
  })

/**
 * The `recent` subcommand.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = CommandLine.recent
