/**
 * The read side of the recent list: `im.recent.get` and `im.recent.list` as pure functions of a portal state, the
 * calling user and the server clock. They return the wire `result` as plain JSON-ready objects built in the server's
 * key order (im 25.1150–26.0, the build the documented example matches).
 *
 * `im.recent.get` (`CIMRestService::recentGet` → `Bitrix\Im\Recent::get`):
 *
 * - parameters, sync-date window and type filter are the domain's `RecentQuery` rules; the order is `RecentOrder`;
 * - only the caller's rows (`USER_ID = caller`, never the shared `USER_ID = 0` rows); for extranet callers, dialogs
 *   only with users who share a group chat with them;
 * - rows are de-duplicated and dropped as `formatRow` does (chats without message, relation or chat; dialogs with the
 *   Copilot bot; dialogs with fired users whose counter is 0 unless bot, connector or network user);
 * - `WITH_COUNTERS` (im 26.250+) and the `CHAT.PARENT_ID = 0` filter (26.250+) belong to a later build and are not
 *   applied.
 *
 * Open lines: `L` chats carry `lines` from their session (`date_create` falls back to the row's `DATE_UPDATE`).
 * The server also merges the operator's open-lines queue (`b_imopenlines_recent`, `ImOpenLines\Recent::getRecent`):
 * its item format was not studied, so queue items are not emulated (in the default mode they would sink below every
 * unpinned item; with `ONLY_OPENLINES=Y` they would come first).
 *
 * @since 0.1.0
 */
import type { RecentQuery } from "@im-recent/domain"
import { BitrixDate, PhpValue as Php, RecentList } from "@im-recent/domain"
import type * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as Format from "./internal/methods/format.js"
import * as RecentGet from "./internal/methods/recentGet.js"
import * as Indexes from "./internal/state/indexes.js"
import type { PortalState, RecentRow } from "./PortalState.js"

/**
 * A wire object, in emission order.
 *
 * @since 0.1.0
 * @category models
 */
export type Json = Record<string, unknown>

/**
 * How the server read an `im.recent.get` request (the domain's {@link RecentQuery.RecentQuery}) at `now` on this
 * portal: its time zone and copilot setting.
 *
 * @since 0.1.0
 * @category parameters
 */
export const query = (
  state: PortalState,
  now: DateTime.DateTime,
  params: Readonly<Record<string, unknown>>
): RecentQuery.RecentQuery => RecentGet.query(state, now, params)

const visibleDialogs = (index: Indexes.Index, userId: number): ((row: RecentRow) => boolean) => {
  const caller = index.user(userId)
  if (caller === undefined || !caller.extranet) return () => true
  const canSee = Format.extranetCanSee(index, userId)
  return (row) => row.itemType !== "P" || canSee(row.itemId)
}

/**
 * `im.recent.get`: the caller's recent items in the window, sorted (pinned first, newest `message.date`, greatest
 * `id`), as the `result` array.
 *
 * @since 0.1.0
 * @category methods
 */
export const get = (
  state: PortalState,
  userId: number,
  now: DateTime.DateTime,
  params: Readonly<Record<string, unknown>>
): Array<Json> => {
  const index = Indexes.of(state)
  return RecentGet.items(index, userId, RecentGet.select(index, userId, now, params))
}

const parseDate = (value: unknown, zone: DateTime.TimeZone): DateTime.Zoned | undefined => {
  if (!Php.isSet(value) || !Php.isTruthy(value)) return undefined
  const text = Php.toPhpString(value)
  return text === undefined ? undefined : Option.getOrUndefined(BitrixDate.parse(text, zone))
}

const seconds = (date: DateTime.DateTime): number => Math.floor(date.epochMillis / 1000)

/**
 * `im.recent.list` (`CIMRestService::recentList` → `Bitrix\Im\Recent::getList`): one page of the caller's recent items,
 * with no date window.
 *
 * - flags count only when exactly `"Y"`; `ONLY_OPENLINES`, `LAST_SYNC_DATE` and `PIN_DATE` are not forwarded;
 * - types: `ONLY_COPILOT` gives `A` only, else `ONLY_CHANNEL` gives `N`/`J`, else all but: `A` without copilot
 *   history, `L` for `SKIP_OPENLINES`, `O`/`C` for `SKIP_CHAT`, `P` for `SKIP_DIALOG`, `B` without collabs, and
 *   external chats (`X`) always;
 * - `UNREAD_ONLY` keeps rows with unread messages or the manual mark; `CAN_MANAGE_MESSAGES` keeps chats whose
 *   `manage_messages` level the caller's role reaches;
 * - intranet callers also read the shared `USER_ID = 0` rows when the portal shows common users (then dialogs get
 *   `invited`); without common users `USER_JOIN` dialogs are dropped;
 * - order `PINNED DESC, DATE_LAST_ACTIVITY DESC` (no tie-breaker: the state's order); a valid `LAST_MESSAGE_DATE`
 *   (or its alias `DATE_LAST_ACTIVITY`; `LAST_MESSAGE_DATE` wins) filters `DATE_LAST_ACTIVITY <= date` and disables
 *   the offset; `LIMIT`/`OFFSET`/`start` per the domain's `RecentList.pageLimit` / `pageOffset`;
 * - `hasMore` is "as many raw rows as the limit", counted before de-duplication and dropping; `next` (offset + items
 *   delivered, only with `hasMore`) and `total: -1` are for the REST layer to hoist;
 * - `GET_ORIGINAL_TEXT=Y` keeps the raw text with empty `[USER=n][/USER]` tags filled in. `PARSE_TEXT=Y` (BB codes to
 *   HTML through `CTextParser`) is not emulated: the default preview is returned;
 * - `copilot` is `{ chats: null, messages: null, roles, recommendedRoles }` from the portal's `copilot` data, or `null`
 *   without it (per-chat copilot roles are not modelled); `messagesAutoDeleteConfigs` is `[]` (no auto-delete in the
 *   state);
 * - `birthdayList` (no cursor and not `UNREAD_ONLY`, as in 26.0) lists active users whose birthday is today in the
 *   portal's zone, up to 100, in the recent items' profile format (the server's legacy format was not studied).
 *
 * @since 0.1.0
 * @category methods
 */
export const list = (
  state: PortalState,
  userId: number,
  now: DateTime.DateTime,
  params: Readonly<Record<string, unknown>>
): Json => {
  const index = Indexes.of(state)
  const { portal } = state
  const upper = Php.upperKeys(params)
  const flag = (name: string): boolean => upper.get(name) === "Y"
  const caller = index.user(userId)
  const intranet = caller === undefined || !caller.extranet
  const withoutCommonUsers = !portal.viewCommonUsers
  const includeCommon = !withoutCommonUsers && intranet

  const zone = index.zone.timeZone
  const cursor = parseDate(upper.get("LAST_MESSAGE_DATE"), zone) ?? parseDate(upper.get("DATE_LAST_ACTIVITY"), zone)
  const limit = RecentList.pageLimit(upper.get("LIMIT"))
  const offset = RecentList.pageOffset(params.start, upper.get("OFFSET"))
  const unreadOnly = flag("UNREAD_ONLY")
  const canManageMessages = flag("CAN_MANAGE_MESSAGES")

  const only: ReadonlySet<string> | undefined = flag("ONLY_COPILOT")
    ? new Set(["A"])
    : flag("ONLY_CHANNEL")
      ? new Set(["N", "J"])
      : undefined
  const excluded = new Set<string>(["X"])
  if (!portal.copilotHistoryAvailable) excluded.add("A")
  if (flag("SKIP_OPENLINES")) excluded.add("L")
  if (flag("SKIP_CHAT")) {
    excluded.add("O")
    excluded.add("C")
  }
  if (flag("SKIP_DIALOG")) excluded.add("P")
  if (!portal.collabAvailable) excluded.add("B")
  const typeOk = only === undefined ? (type: string) => !excluded.has(type) : (type: string) => only.has(type)

  const visible = visibleDialogs(index, userId)
  const candidates: Array<RecentRow> = []
  const consider = (row: RecentRow): void => {
    if (!typeOk(row.itemType) || !visible(row)) return
    if (unreadOnly && !row.unread && index.counter(row.chatId, userId) <= 0) return
    if (canManageMessages) {
      const chat = index.chat(row.chatId)
      if (chat === undefined || !Format.satisfies(Format.roleOf(index, chat, userId), chat.permissions.canPost)) return
    }
    if (cursor !== undefined && seconds(row.dateLastActivity) > seconds(cursor)) return
    candidates.push(row)
  }
  for (const row of index.recentOf(userId)) consider(row)
  if (includeCommon) for (const row of index.recentOf(0)) consider(row)

  const ordered = candidates
    .map((row, position) => ({ row, position }))
    .sort(
      (a, b) =>
        (a.row.pinned === b.row.pinned ? 0 : a.row.pinned ? -1 : 1) ||
        seconds(b.row.dateLastActivity) - seconds(a.row.dateLastActivity) ||
        a.position - b.position
    )
  const start = cursor === undefined ? offset : 0
  const page = ordered.slice(start, start + limit).map((entry) => entry.row)
  const hasMore = page.length === limit

  const items = Format.formatRows(index, userId, page, {
    text: flag("GET_ORIGINAL_TEXT") ? "original" : "preview",
    withoutCommonUsers,
    invitations: includeCommon
  }).map((entry) => entry.item)

  const result: Json = {
    items,
    hasMorePages: hasMore,
    hasMore,
    copilot:
      portal.copilot === null
        ? null
        : {
            chats: null,
            messages: null,
            roles: portal.copilot.roles,
            recommendedRoles: portal.copilot.recommendedRoles
          },
    messagesAutoDeleteConfigs: []
  }
  if (cursor === undefined && !unreadOnly) result.birthdayList = birthdays(index, now)
  if (hasMore) result.next = offset + items.length
  result.total = -1
  return result
}

const birthdays = (index: Indexes.Index, now: DateTime.DateTime): Array<Json> => {
  const today = index.zone.format(now.epochMillis)
  const ddmm = `${today.slice(8, 10)}-${today.slice(5, 7)}`
  const users: Array<Json> = []
  for (const user of index.state.users) {
    if (user.active && user.birthday === ddmm) users.push(Format.profile(index, user))
    if (users.length === 100) break
  }
  return users
}
