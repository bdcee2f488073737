/**
 * Example 4, the app side: a small piece of "your app" that uses `ImRecent`, tested in
 * `test/unread-summary.test.ts` with the contracts' msw handlers.
 *
 * `unreadSummary` reads the recent list and sums up the unread chats; `unreadBadge` turns it into the text of a
 * badge, and turns the errors the app has an answer to into text too.
 */
import { ImRecent } from "@im-recent/client"
import { RecentItem } from "@im-recent/domain"
import { Effect } from "effect"

/** What the badge shows. */
export interface UnreadSummary {
  /** Unread messages over all chats (each chat's counter, capped at 100 by the server). */
  readonly messages: number
  /** The chats with unread messages, or marked unread by hand, newest first. */
  readonly chats: ReadonlyArray<{ readonly title: string; readonly unread: number }>
}

/** Reads the recent list (open lines left out) and sums up the unread chats. */
export const unreadSummary = Effect.gen(function* () {
  const recent = yield* ImRecent.ImRecent
  const { items } = yield* recent.get({ SKIP_OPENLINES: true })
  const unread = items.filter((item) => (item.counter ?? 0) > 0 || item.unread)
  return {
    messages: unread.reduce((sum, item) => sum + (item.counter ?? 0), 0),
    chats: unread.map((item) => ({ title: RecentItem.title(item), unread: item.counter ?? 0 }))
  } satisfies UnreadSummary
})

/** The badge text: "3 unread in 2 chats", "All read", or what to do when the portal cannot be read. */
export const unreadBadge = unreadSummary.pipe(
  Effect.map((summary) =>
    summary.chats.length === 0 ? "All read" : `${summary.messages} unread in ${summary.chats.length} chats`
  ),
  Effect.catchTags({
    AuthError: () => Effect.succeed("Reconnect Bitrix24"),
    Overloaded: () => Effect.succeed("Bitrix24 is unavailable"),
    NetworkError: () => Effect.succeed("Offline")
  })
)
