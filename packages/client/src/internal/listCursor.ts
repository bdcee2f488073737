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
 *
 * The one thing the cursor cannot do: list more than 200 unpinned items of one second (a batch of posts does it),
 * since the server ignores `OFFSET` next to `LAST_MESSAGE_DATE`. Then the cursor goes on from the second before, so
 * every older item still comes, and the transition names that second (once, though the catch-up may meet it again):
 * its items past the ones listed are missing.
 */
import type { RecentItem } from "@im-recent/domain"
import { RecentList } from "@im-recent/domain"
import * as DateTime from "effect/DateTime"

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
  /** The seconds (Unix) the cursor skipped below, already reported. */
  readonly skipped: ReadonlyArray<number>
}

/** The listing is over. */
export interface Done {
  readonly _tag: "Done"
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
  syncDate: undefined,
  skipped: []
})

/** What the cursor compares: `date_last_activity`, or `message.date` on builds without it. */
export const activityOf = (item: RecentItem.RecentItem): DateTime.Zoned => item.date_last_activity ?? item.message.date

/** A date's whole second (Unix). */
export const seconds = (date: DateTime.DateTime): number => Math.floor(date.epochMillis / 1000)

/** What a response said that decides the next step. */
export interface Answer {
  readonly hasMore: boolean
  readonly items: ReadonlyArray<RecentItem.RecentItem>
  readonly syncDate: DateTime.Zoned
}

const done: Done = { _tag: "Done" }

/**
 * What comes after a response: the next step, and `overflow`, the second more than 200 unpinned items share when
 * that response made the cursor skip below it for the first time.
 */
export interface Transition {
  readonly next: Step
  readonly overflow: DateTime.Zoned | undefined
}

/** The second before `date`'s (whole seconds), in its zone. */
const secondBefore = (date: DateTime.Zoned): DateTime.Zoned =>
  DateTime.unsafeMakeZoned((seconds(date) - 1) * 1000, { timeZone: date.zone })

/** The step after `step` got `answer`; `catchUp` turns the final read of the top on. */
export const next = (step: Reading, answer: Answer, catchUp: boolean): Transition => {
  const requests = step.requests + 1
  const base = { ...step, requests, syncDate: answer.syncDate }
  const unpinned = answer.items.filter((item) => !item.pinned)
  const last = unpinned.length === 0 ? undefined : activityOf(unpinned[unpinned.length - 1]!)
  const advanced = last !== undefined && (step.cursor === undefined || seconds(last) < seconds(step.cursor))
  const larger = Math.min(RecentList.maxLimit, step.limit * 2)
  const to = (next: Step): Transition => ({ next, overflow: undefined })
  /** The page cannot move the cursor: a larger page, or, at the server's cap, on below the crowded second. */
  const stuck = (): Transition => {
    if (larger > step.limit) return to({ ...base, limit: larger })
    // only pinned items (the server lets a user pin 45): nothing below to reach
    if (last === undefined) return to(done)
    const second = seconds(last)
    const known = step.skipped.includes(second)
    return {
      next: { ...base, cursor: secondBefore(last), skipped: known ? step.skipped : [...step.skipped, second] },
      overflow: known ? undefined : last
    }
  }
  if (step.phase === "walk") {
    if (!answer.hasMore) {
      return to(
        catchUp && requests > 1 ? { ...base, phase: "catch-up", cursor: undefined, limit: RecentList.maxLimit } : done
      )
    }
    return advanced ? to({ ...base, cursor: last }) : stuck()
  }
  if (!answer.hasMore || (last !== undefined && seconds(last) < seconds(answer.syncDate))) return to(done)
  return advanced ? to({ ...base, cursor: last }) : stuck()
}
