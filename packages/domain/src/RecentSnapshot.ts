/**
 * Client-side delta sync for `im.recent.get`, as Bitrix's own mobile client does it.
 *
 * A delta response (`LAST_SYNC_DATE` set) has the same shape as a full one: a flat array of whole items whose
 * `DATE_UPDATE` is at or after the sync date. It has no deletion markers, so merging replaces items with the same `id`,
 * appends new ones, deletes nothing, and re-sorts in the server's order. The next sync date is the response's
 * `time.date_start` (the server clock when the request started).
 *
 * Items that disappear on the server (hidden dialogs, chats the user left) stay in a merged snapshot; only a full
 * reload (or push events) removes them. A sync date older than 7 days is clamped by the server, so a delta after a
 * long pause misses changes: reload in full then.
 *
 * @since 0.1.0
 */
import type * as DateTime from "effect/DateTime"
import { dual } from "effect/Function"
import * as RecentOrder from "./RecentOrder.js"

/**
 * The parts of a recent item the merge reads.
 *
 * @since 0.1.0
 * @category models
 */
export type Item = RecentOrder.Item

/**
 * The parts of an `im.recent.get` response the merge reads.
 *
 * @since 0.1.0
 * @category models
 */
export interface Response<A extends Item> {
  readonly result: ReadonlyArray<A>
  readonly time: { readonly date_start: DateTime.Zoned }
}

/**
 * Items in the server's order and the date to pass as `LAST_SYNC_DATE` next time.
 *
 * @since 0.1.0
 * @category models
 */
export interface Snapshot<A extends Item> {
  readonly items: ReadonlyArray<A>
  readonly syncDate: DateTime.Zoned
}

/**
 * Merges delta items into items by `id`: an item with a known id replaces the old one, a new id is added, nothing is
 * removed, and the result is sorted with {@link RecentOrder.Order}. When ids repeat, the later item wins (the server
 * can list an open line twice: as a row and as a queue item after it).
 *
 * Ids are matched exactly (`5` and `"5"` are different ids); Bitrix ids are ints for users and `"chatN"` for chats.
 *
 * @since 0.1.0
 * @category combinators
 */
export const merge: {
  <A extends Item>(delta: ReadonlyArray<A>): (self: ReadonlyArray<A>) => Array<A>
  <A extends Item>(self: ReadonlyArray<A>, delta: ReadonlyArray<A>): Array<A>
} = dual(2, <A extends Item>(self: ReadonlyArray<A>, delta: ReadonlyArray<A>): Array<A> => {
  const byId = new Map<number | string, A>()
  for (const item of self) byId.set(item.id, item)
  for (const item of delta) byId.set(item.id, item)
  return RecentOrder.sort(byId.values())
})

/**
 * The `LAST_SYNC_DATE` for the next delta request: the response's `time.date_start`.
 *
 * @since 0.1.0
 * @category getters
 */
export const nextSyncDate = <A extends Item>(response: Response<A>): DateTime.Zoned => response.time.date_start

/**
 * A snapshot from a full response (no `LAST_SYNC_DATE`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromResponse = <A extends Item>(response: Response<A>): Snapshot<A> => ({
  items: merge([], response.result),
  syncDate: nextSyncDate(response)
})

/**
 * Applies a delta response: merges its items and moves the sync date to its `time.date_start`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const applyDelta: {
  <A extends Item>(response: Response<A>): (self: Snapshot<A>) => Snapshot<A>
  <A extends Item>(self: Snapshot<A>, response: Response<A>): Snapshot<A>
} = dual(
  2,
  <A extends Item>(self: Snapshot<A>, response: Response<A>): Snapshot<A> => ({
    items: merge(self.items, response.result),
    syncDate: nextSyncDate(response)
  })
)
