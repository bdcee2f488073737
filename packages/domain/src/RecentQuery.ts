/**
 * How the server interprets the parameters of `im.recent.get` (`CIMRestService::recentGet` and
 * `Bitrix\Im\Recent::get`): which flags are on, which sync date counts, which `DATE_UPDATE` window and which chat
 * types select rows.
 *
 * - Parameter names are case-insensitive (the handler upper-cases them); a flag is on only when its value is exactly
 *   the string `"Y"` (`"y"`, `true`, `1` and `"N"` are off). Unknown parameters, including `LIMIT`, `OFFSET` and
 *   `LAST_ID`, are ignored.
 * - `ONLY_OPENLINES=Y` wins over the other flags: the `SKIP_*` flags are not forwarded at all.
 * - `LAST_UPDATE` (deprecated), when set (present and not `null`), replaces `LAST_SYNC_DATE`, even if it is invalid.
 *   The value is used only when it is truthy in PHP (`""` and `"0"` are not), and parsed leniently
 *   ({@link BitrixDate.parse}); an invalid date is silently ignored.
 * - Window on `DATE_UPDATE` (inclusive): a valid sync date gives `since = max(date, now - 7 days)`; otherwise
 *   `since = now - 30 days`. Days are calendar days in the server's time zone (PHP's `add('-7 days')`).
 * - Types: `ONLY_OPENLINES` selects `L` only; otherwise a "not in" list: `A` when copilot history is not available,
 *   `L` for `SKIP_OPENLINES`, `O` and `C` for `SKIP_CHAT`, `P` for `SKIP_DIALOG`. Channels, open channels,
 *   collabs, system, comment and external chats are never skipped by `im.recent.get`.
 *
 * `ONLY_OPENLINES` mode (reading of server-semantics §2.4, confirmed in `imopenlines/lib/recent.php`): on a portal with
 * the `imopenlines` module (every cloud portal) the call goes to `ImOpenLines\Recent::getRecent`, which returns the
 * user's open-line queue items (no date filter) followed by an inner `Recent::get` call with only `ONLY_OPENLINES` and
 * `FORCE_OPENLINES`: type `L`, no sync date passed, hence **no date window at all**. A sync date sent with
 * `ONLY_OPENLINES=Y` is parsed (and reported in {@link RecentQuery.syncDate}) but has no effect: the window is
 * {@link Window.Unbounded}, whatever the date.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import { dual } from "effect/Function"
import * as Option from "effect/Option"
import * as BitrixDate from "./BitrixDate.js"
import type { ChatType } from "./ChatType.js"
// `now` moved back by calendar days in its zone, as PHP's `add('-N days')`: ambiguous times take the later offset
// (with the zone's offsets cached per hour)
import { daysBefore } from "./internal/calendar.js"
import * as PhpValue from "./PhpValue.js"

/**
 * The parameter a sync date came from.
 *
 * @since 0.1.0
 * @category models
 */
export type SyncDateParameter = "LAST_SYNC_DATE" | "LAST_UPDATE"

/**
 * What became of the sync date parameters.
 *
 * - `NotSent`: neither `LAST_UPDATE` nor `LAST_SYNC_DATE` was set (absent or `null`);
 * - `Ignored`: the value was falsy in PHP (`""`, `"0"`, `0`, `false`, an empty array) or did not parse;
 * - `Parsed`: the instant the server read (see {@link BitrixDate.parse}).
 *
 * @since 0.1.0
 * @category models
 */
export type SyncDate = Data.TaggedEnum<{
  NotSent: {}
  Ignored: {
    readonly parameter: SyncDateParameter
    readonly value: unknown
    readonly reason: "falsy" | "invalid"
  }
  Parsed: {
    readonly parameter: SyncDateParameter
    readonly value: string
    readonly date: DateTime.Zoned
  }
}>

/**
 * Constructors, guards and matchers for {@link SyncDate}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const SyncDate = Data.taggedEnum<SyncDate>()

/**
 * The `DATE_UPDATE >= since` filter.
 *
 * - `Unbounded`: no date filter (`ONLY_OPENLINES=Y`);
 * - `Default`: no usable sync date, `since` is `now - 30 days`;
 * - `Sync`: a valid sync date was `requested`; `since` is it, or `now - 7 days` when it was older (`clamped`).
 *
 * `since` is in the server's time zone.
 *
 * @since 0.1.0
 * @category models
 */
export type Window = Data.TaggedEnum<{
  Unbounded: {}
  Default: { readonly since: DateTime.Zoned }
  Sync: { readonly since: DateTime.Zoned; readonly requested: DateTime.Zoned; readonly clamped: boolean }
}>

/**
 * Constructors, guards and matchers for {@link Window}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const Window = Data.taggedEnum<Window>()

/**
 * The `ITEM_TYPE` filter: `Only` these types (`= 'L'`) or all types but these (`NOT IN (...)`, in the server's order
 * A, L, O, C, P; an empty list filters nothing).
 *
 * @since 0.1.0
 * @category models
 */
export type TypeFilter = Data.TaggedEnum<{
  Only: { readonly types: ReadonlyArray<ChatType> }
  Exclude: { readonly types: ReadonlyArray<ChatType> }
}>

/**
 * Constructors, guards and matchers for {@link TypeFilter}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const TypeFilter = Data.taggedEnum<TypeFilter>()

/**
 * The server's reading of one `im.recent.get` request. Flags are as forwarded to `Recent::get`: with
 * `ONLY_OPENLINES` the `SKIP_*` flags are all `false`.
 *
 * `withCounters` is `WITH_COUNTERS` of im 26.250+ (`counter` omitted when off): on unless the value is exactly `"N"`
 * (the research notes say "defaults to Y, N drops it"; the exact check was not read in the source).
 *
 * @since 0.1.0
 * @category models
 */
export class RecentQuery extends Data.Class<{
  readonly onlyOpenLines: boolean
  readonly skipOpenLines: boolean
  readonly skipChat: boolean
  readonly skipDialog: boolean
  readonly withCounters: boolean
  readonly syncDate: SyncDate
  readonly window: Window
  readonly types: TypeFilter
}> {}

/**
 * Portal facts the interpretation depends on.
 *
 * - `serverTimeZone`: PHP's default time zone on the portal; zone-less sync dates are read in it and the 7/30-day
 *   arithmetic happens in it;
 * - `copilotHistoryAvailable` (default `true`): `CopilotChat::isHistoryAvailable()`; when `false`, copilot chats
 *   (`A`) are excluded.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly serverTimeZone: DateTime.TimeZone
  readonly copilotHistoryAvailable?: boolean | undefined
}

/**
 * How many calendar days back a sync date may reach before it is clamped.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_SYNC_DAYS = 7

/**
 * How many calendar days back the window reaches without a sync date.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_DAYS = 30

/**
 * Interprets the raw parameters of an `im.recent.get` request at server time `now`.
 *
 * `params` are the request's parameters as they came off the wire (query string, form or JSON body): any key case,
 * strings, numbers, booleans, nested objects. When two keys differ only in case, the later one wins (PHP's
 * `array_change_key_case`). A sync date that is an array or object counts as invalid (PHP would throw a `TypeError`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromParams = (
  params: Readonly<Record<string, unknown>>,
  now: DateTime.DateTime,
  options: Options
): RecentQuery => {
  const upper = PhpValue.upperKeys(params)
  const flag = (name: string): boolean => upper.get(name) === "Y"

  const onlyOpenLines = flag("ONLY_OPENLINES")
  const skipOpenLines = !onlyOpenLines && flag("SKIP_OPENLINES")
  const skipChat = !onlyOpenLines && flag("SKIP_CHAT")
  const skipDialog = !onlyOpenLines && flag("SKIP_DIALOG")

  const syncDate = readSyncDate(upper, options.serverTimeZone)
  const serverNow = DateTime.setZone(now, options.serverTimeZone)
  const dateWindow: Window = onlyOpenLines
    ? Window.Unbounded()
    : SyncDate.$is("Parsed")(syncDate)
      ? syncWindow(serverNow, syncDate.date, options.serverTimeZone)
      : Window.Default({ since: daysBefore(serverNow, DEFAULT_DAYS) })

  const types: TypeFilter = onlyOpenLines
    ? TypeFilter.Only({ types: Data.array<Array<ChatType>>(["L"]) })
    : TypeFilter.Exclude({
        types: Data.array<Array<ChatType>>([
          ...(options.copilotHistoryAvailable === false ? (["A"] as const) : []),
          ...(skipOpenLines ? (["L"] as const) : []),
          ...(skipChat ? (["O", "C"] as const) : []),
          ...(skipDialog ? (["P"] as const) : [])
        ])
      })

  return new RecentQuery({
    onlyOpenLines,
    skipOpenLines,
    skipChat,
    skipDialog,
    withCounters: upper.get("WITH_COUNTERS") !== "N",
    syncDate,
    window: dateWindow,
    types
  })
}

const readSyncDate = (params: ReadonlyMap<string, unknown>, serverTimeZone: DateTime.TimeZone): SyncDate => {
  const lastUpdate = params.get("LAST_UPDATE")
  const parameter: SyncDateParameter = PhpValue.isSet(lastUpdate) ? "LAST_UPDATE" : "LAST_SYNC_DATE"
  const value = PhpValue.isSet(lastUpdate) ? lastUpdate : params.get("LAST_SYNC_DATE")
  if (!PhpValue.isSet(value)) return SyncDate.NotSent()
  if (!PhpValue.isTruthy(value)) return SyncDate.Ignored({ parameter, value, reason: "falsy" })
  const text = PhpValue.toPhpString(value)
  const date = text === undefined ? Option.none() : BitrixDate.parse(text, serverTimeZone)
  return text !== undefined && Option.isSome(date)
    ? SyncDate.Parsed({ parameter, value: text, date: date.value })
    : SyncDate.Ignored({ parameter, value, reason: "invalid" })
}

const syncWindow = (now: DateTime.Zoned, requested: DateTime.Zoned, serverTimeZone: DateTime.TimeZone): Window => {
  const maxLimit = daysBefore(now, MAX_SYNC_DAYS)
  // `$maxLimit > $syncDate`: compared with sub-second precision; a future date is kept as is.
  const clamped = maxLimit.epochMillis > requested.epochMillis
  return Window.Sync({
    since: clamped ? maxLimit : DateTime.setZone(requested, serverTimeZone),
    requested,
    clamped
  })
}

/**
 * The lower bound of the `DATE_UPDATE` window, if any.
 *
 * @since 0.1.0
 * @category getters
 */
export const since = (self: RecentQuery): Option.Option<DateTime.Zoned> =>
  self.window._tag === "Unbounded" ? Option.none() : Option.some(self.window.since)

/**
 * Whether a valid sync date was sent (even if `ONLY_OPENLINES` then ignores it).
 *
 * @since 0.1.0
 * @category getters
 */
export const hasSyncDate = (self: RecentQuery): boolean => self.syncDate._tag === "Parsed"

/**
 * Whether the sync date was older than 7 days and the server silently moved it to `now - 7 days`: the response then
 * misses changes made between the sync date and that bound.
 *
 * @since 0.1.0
 * @category getters
 */
export const isClamped = (self: RecentQuery): boolean => self.window._tag === "Sync" && self.window.clamped

/**
 * The largest jump of a time zone's UTC offset at one transition that {@link latestClampBound} allows for without the
 * portal's zone rules: 2 hours (Antarctica/Troll switches between +00 and +02; every other zone in use today shifts by
 * 1 hour or 30 minutes).
 *
 * @since 0.1.0
 * @category constants
 */
export const ZONE_SHIFT_MARGIN_MILLIS = 2 * 3_600_000

/**
 * The latest lower bound the server can have clamped a sync date to, answering at `serverNow`: sync dates before it may
 * have been clamped, later ones were not.
 *
 * The server computes `now - 7 days` in calendar days of its own zone (`add('-7 days')`), which is 167 hours in a week
 * with a spring-forward switch and 169 hours in one with a fall-back switch:
 *
 * - `serverNow` in a named zone (the portal's zone, when the caller knows it): exactly the server's bound;
 * - `serverNow` with only an offset (all a response's dates carry): `now - 7 × 24 h` plus
 *   {@link ZONE_SHIFT_MARGIN_MILLIS}, which covers any transition inside the week.
 *
 * @since 0.1.0
 * @category getters
 */
export const latestClampBound = (serverNow: DateTime.Zoned): DateTime.Zoned => {
  const bound = daysBefore(serverNow, MAX_SYNC_DAYS)
  return serverNow.zone._tag === "Named"
    ? bound
    : DateTime.unsafeMakeZoned(bound.epochMillis + ZONE_SHIFT_MARGIN_MILLIS, { timeZone: serverNow.zone })
}

/**
 * Whether the server, answering at `serverNow`, may have clamped the sync date `requested` (see
 * {@link latestClampBound}): `true` means a delta with it can miss changes.
 *
 * @since 0.1.0
 * @category predicates
 */
export const mayClamp = (requested: DateTime.DateTime, serverNow: DateTime.Zoned): boolean =>
  latestClampBound(serverNow).epochMillis > requested.epochMillis

/**
 * Whether rows of a chat type pass the type filter.
 *
 * @since 0.1.0
 * @category predicates
 */
export const includesType: {
  (type: ChatType): (self: RecentQuery) => boolean
  (self: RecentQuery, type: ChatType): boolean
} = dual(2, (self: RecentQuery, type: ChatType): boolean =>
  self.types._tag === "Only" ? self.types.types.includes(type) : !self.types.types.includes(type)
)

/**
 * Whether a row with this `DATE_UPDATE` passes the date window (`DATE_UPDATE >= since`, inclusive).
 *
 * The bound reaches the database as a `Y-m-d H:i:s` literal and `DATE_UPDATE` holds whole seconds, so both sides are
 * compared as whole seconds: with `now` at `12:00:00.700`, a row updated at `12:00:00` seven days ago is in.
 *
 * @since 0.1.0
 * @category predicates
 */
export const inWindow: {
  (dateUpdate: DateTime.DateTime): (self: RecentQuery) => boolean
  (self: RecentQuery, dateUpdate: DateTime.DateTime): boolean
} = dual(
  2,
  (self: RecentQuery, dateUpdate: DateTime.DateTime): boolean =>
    self.window._tag === "Unbounded" ||
    Math.floor(dateUpdate.epochMillis / 1000) >= Math.floor(self.window.since.epochMillis / 1000)
)

/**
 * Whether a `b_im_recent` row is selected: its type passes the type filter and its `DATE_UPDATE` the window. (Rows
 * are then still dropped for the reasons of server-semantics §2.3.)
 *
 * @since 0.1.0
 * @category predicates
 */
export const selects: {
  (row: { readonly type: ChatType; readonly dateUpdate: DateTime.DateTime }): (self: RecentQuery) => boolean
  (self: RecentQuery, row: { readonly type: ChatType; readonly dateUpdate: DateTime.DateTime }): boolean
} = dual(
  2,
  (self: RecentQuery, row: { readonly type: ChatType; readonly dateUpdate: DateTime.DateTime }): boolean =>
    includesType(self, row.type) && inWindow(self, row.dateUpdate)
)

/**
 * Where the user's open-line queue items (`b_imopenlines_recent`, not date-filtered) go in the response:
 *
 * - `"first"` with `ONLY_OPENLINES`: the queue items, sorted, then the `L` rows, sorted, without the ids already in the
 *   queue; no re-sort after that;
 * - `"last"` in the default mode unless `SKIP_OPENLINES`: appended before the final sort, which finds none of its keys
 *   on them, so they sink below every unpinned item; duplicates of `L` rows are not removed;
 * - `"none"` with `SKIP_OPENLINES`.
 *
 * @since 0.1.0
 * @category getters
 */
export const openLinesQueue = (self: RecentQuery): "first" | "last" | "none" =>
  self.onlyOpenLines ? "first" : self.skipOpenLines ? "none" : "last"
