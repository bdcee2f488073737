/**
 * Where `ImRecent.listPages` is in `im.recent.list`, and where it goes next: a walk down the list by the
 * `LAST_MESSAGE_DATE` cursor, then a read of the top for the items that moved up meanwhile.
 *
 * The server's order is `PINNED DESC, DATE_LAST_ACTIVITY DESC` and the cursor keeps the rows with
 * `DATE_LAST_ACTIVITY <= cursor` (whole seconds, inclusive), pinned ones first on every page. So the next cursor is
 * the last unpinned item's date; a page that cannot move it (its unpinned items all share the cursor's second, or it
 * holds only pinned items) is read again with a larger `LIMIT`, up to the server's 200.
 *
 * Why nothing is lost: an item that does not move keeps its date and lies below each cursor until a page reaches
 * it; an item that moves while the pages are read gets a message, so a `DATE_LAST_ACTIVITY` at or after the first
 * page's `time.date_start`, and the catch-up reads the top until the dates fall below that. An item that moves after
 * the last request began is for the next delta.
 */
import type { RecentItem } from "@im-recent/domain"
import { RecentList } from "@im-recent/domain"
import type * as DateTime from "effect/DateTime"

/** A request to make. */
export interface Reading {
  readonly _tag: "Reading"
  readonly phase: "walk" | "catch-up"
  /** `LAST_MESSAGE_DATE`; none reads the top. */
  readonly cursor: DateTime.Zoned | undefined
  readonly limit: number
  /** Requests made so far. */
  readonly requests: number
  /** The first page's `time.date_start`, once known. */
  readonly syncDate: DateTime.Zoned | undefined
}

/** The listing is over; `stuck` is the cursor it could not move past (more than 200 items in one second). */
export interface Done {
  readonly _tag: "Done"
  readonly stuck: DateTime.Zoned | undefined
}

/** A step of the listing. */
export type Step = Reading | Done

/** The first request: the top of the list. */
export const start = (pageSize: number): Step => ({
  _tag: "Reading",
  phase: "walk",
  cursor: undefined,
  limit: pageSize,
  requests: 0,
  syncDate: undefined
})

/** What the cursor compares: `date_last_activity`, or `message.date` on builds without it. */
export const activityOf = (item: RecentItem.RecentItem): DateTime.Zoned => item.date_last_activity ?? item.message.date

const seconds = (date: DateTime.DateTime): number => Math.floor(date.epochMillis / 1000)

/** What a response said that decides the next step. */
export interface Answer {
  readonly hasMore: boolean
  readonly items: ReadonlyArray<RecentItem.RecentItem>
  readonly syncDate: DateTime.Zoned
}

const done = (stuck?: DateTime.Zoned): Done => ({ _tag: "Done", stuck })

/** The step after `step` got `answer`; `catchUp` turns the final read of the top on. */
export const next = (step: Reading, answer: Answer, catchUp: boolean): Step => {
  const requests = step.requests + 1
  const base = { ...step, requests, syncDate: answer.syncDate }
  const unpinned = answer.items.filter((item) => !item.pinned)
  const last = unpinned.length === 0 ? undefined : activityOf(unpinned[unpinned.length - 1]!)
  const advanced = last !== undefined && (step.cursor === undefined || seconds(last) < seconds(step.cursor))
  const larger = Math.min(RecentList.maxLimit, step.limit * 2)
  if (step.phase === "walk") {
    if (!answer.hasMore) {
      return catchUp && requests > 1
        ? { ...base, phase: "catch-up", cursor: undefined, limit: RecentList.maxLimit }
        : done()
    }
    if (advanced) return { ...base, cursor: last }
    return larger > step.limit ? { ...base, limit: larger } : done(step.cursor)
  }
  if (!answer.hasMore || (last !== undefined && seconds(last) < seconds(answer.syncDate))) return done()
  if (advanced) return { ...base, cursor: last }
  return larger > step.limit ? { ...base, limit: larger } : done(step.cursor)
}
