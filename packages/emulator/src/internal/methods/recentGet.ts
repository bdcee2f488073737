/**
 * `im.recent.get` on a portal state: the rows a request selects, and the ordered items they make. The answer to the
 * same selection of the same state is always the same, so {@link shared} keeps each caller's last answer per state
 * (a write makes a new state, whose index and memo start empty): between writes, a repeated read skips formatting and
 * ordering, and its `result` array is {@link JsonBytes.readOnly}, so its JSON bytes are spliced into every later body
 * instead of being serialised again.
 *
 * @internal
 */
import { RecentOrder, RecentQuery } from "@im-recent/domain"
import type * as DateTime from "effect/DateTime"
import type { PortalState, RecentRow } from "../../PortalState.js"
import * as JsonBytes from "../http/jsonBytes.js"
import * as Indexes from "../state/indexes.js"
import * as Format from "./format.js"

type Json = Record<string, unknown>

/** How the server reads an `im.recent.get` request at `now` on this portal. @internal */
export const query = (
  state: PortalState,
  now: DateTime.DateTime,
  params: Readonly<Record<string, unknown>>
): RecentQuery.RecentQuery =>
  RecentQuery.fromParams(params, now, {
    serverTimeZone: Indexes.of(state).zone.timeZone,
    copilotHistoryAvailable: state.portal.copilotHistoryAvailable
  })

const visibleDialogs = (index: Indexes.Index, userId: number): ((row: RecentRow) => boolean) => {
  const caller = index.user(userId)
  if (caller === undefined || !caller.extranet) return () => true
  const canSee = Format.extranetCanSee(index, userId)
  return (row) => row.itemType !== "P" || canSee(row.itemId)
}

/** The caller's rows a query selects (type filter, window, extranet visibility), in the table's order. */
const selectBy = (index: Indexes.Index, userId: number, recentQuery: RecentQuery.RecentQuery): Array<RecentRow> => {
  const visible = visibleDialogs(index, userId)
  // `RecentQuery.includesType` and `inWindow`, with what they read from the query taken out of the loop
  const types = recentQuery.types
  const only = types._tag === "Only"
  const sinceSeconds = windowStart(recentQuery)
  const rows: Array<RecentRow> = []
  for (const row of index.recentOf(userId)) {
    if (
      types.types.includes(row.itemType) === only &&
      (sinceSeconds === undefined || Math.floor(row.dateUpdate.epochMillis / 1000) >= sinceSeconds) &&
      visible(row)
    ) {
      rows.push(row)
    }
  }
  return rows
}

const windowStart = (recentQuery: RecentQuery.RecentQuery): number | undefined =>
  recentQuery.window._tag === "Unbounded" ? undefined : Math.floor(recentQuery.window.since.epochMillis / 1000)

/** The caller's rows the request selects (type filter, window, extranet visibility), in the table's order. @internal */
export const select = (
  index: Indexes.Index,
  userId: number,
  now: DateTime.DateTime,
  params: Readonly<Record<string, unknown>>
): Array<RecentRow> => selectBy(index, userId, query(index.state, now, params))

/** The items selected rows make: formatted, de-duplicated and ordered. A new array on every call. @internal */
export const items = (index: Indexes.Index, userId: number, rows: ReadonlyArray<RecentRow>): Array<Json> => {
  const formatted = Format.formatRows(index, userId, rows, {
    text: "preview",
    withoutCommonUsers: false,
    invitations: false
  })
  return RecentOrder.sort(formatted).map((entry) => entry.item)
}

/** A caller's answers on one state, by selection. */
interface Answers {
  /** The distinct `DATE_UPDATE` seconds of the caller's rows, ascending. */
  readonly seconds: ReadonlyArray<number>
  readonly bySelection: Map<string, ReadonlyArray<Json>>
}

/** The first position in ascending `seconds` whose value is at least `since`. */
const firstAtLeast = (seconds: ReadonlyArray<number>, since: number): number => {
  let lo = 0
  let hi = seconds.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (seconds[mid]! < since) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Answers kept per caller and state: a client polling with a moving sync date would otherwise fill the memo. */
const MAX_ANSWERS = 16

/**
 * {@link items} for the request, shared with earlier reads of the same state that selected the same rows. Two
 * windows select the same rows when no row's `DATE_UPDATE` second lies between their starts, so a selection is named
 * by its type filter and the number of those seconds before its window; a repeated read costs the parsing of its
 * parameters and a binary search. The array and its items are read-only.
 *
 * @internal
 */
export const shared = (
  state: PortalState,
  userId: number,
  now: DateTime.DateTime,
  params: Readonly<Record<string, unknown>>
): ReadonlyArray<Json> => {
  const index = Indexes.of(state)
  const memoKey = `recent.get:${userId}`
  let answers = index.memo.get(memoKey) as Answers | undefined
  if (answers === undefined) {
    const seconds = new Set<number>()
    for (const row of index.recentOf(userId)) seconds.add(Math.floor(row.dateUpdate.epochMillis / 1000))
    answers = { seconds: Array.from(seconds).sort((a, b) => a - b), bySelection: new Map() }
    index.memo.set(memoKey, answers)
  }
  const recentQuery = query(state, now, params)
  const since = windowStart(recentQuery)
  const key = `${recentQuery.types._tag}:${recentQuery.types.types.join(",")}:${since === undefined ? "all" : firstAtLeast(answers.seconds, since)}`
  const known = answers.bySelection.get(key)
  if (known !== undefined) return known
  const result = JsonBytes.readOnly(items(index, userId, selectBy(index, userId, recentQuery)))
  if (answers.bySelection.size >= MAX_ANSWERS) answers.bySelection.clear()
  answers.bySelection.set(key, result)
  return result
}
