/**
 * The recent list as a terminal table: pinned marker, title, type, last message (trimmed to the width), its date
 * in local time and the unread counter.
 *
 * ```text
 *    TITLE                        TYPE       LAST MESSAGE                    DATE              UNREAD
 * *  Approve the supply contract  task       Anna: Sent the mockup [File]    2026-11-24 01:41       2
 *    William Davis                dialog     Let's discuss in the other chat 2026-11-25 22:00
 * ```
 *
 * Everything here is a pure function of the items, the width and the time zone.
 *
 * @since 0.1.0
 */
import { RecentItem } from "@im-recent/domain"
import * as DateTime from "effect/DateTime"
import * as Text from "./internal/text.js"

/**
 * How to lay the table out.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The terminal's width in columns. */
  readonly width: number
  /** The zone dates are shown in (the user's local zone). */
  readonly timeZone: DateTime.TimeZone
}

/**
 * The width used when the output is not a terminal (`process.stdout.columns` is unset) and `COLUMNS` is not set.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultWidth = 100

/**
 * The width to lay out for: the terminal's columns, else `COLUMNS`, else {@link defaultWidth}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const terminalWidth = (columns: number | undefined, env: string | undefined): number => {
  if (columns !== undefined && columns > 0) return columns
  const fromEnv = Number(env)
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : defaultWidth
}

/** Extended chat types (`chat.type`) as users know them. */
const chatKinds: Readonly<Record<string, string>> = {
  general: "general",
  generalChannel: "channel",
  chat: "chat",
  open: "open chat",
  channel: "channel",
  openChannel: "open channel",
  collab: "collab",
  copilot: "copilot",
  lines: "open line",
  tasksTask: "task",
  calendar: "meeting",
  sonetGroup: "workgroup",
  crm: "CRM",
  videoconf: "video call",
  call: "call",
  mail: "mail",
  comment: "comments",
  announcement: "announcement",
  support24Notifier: "support",
  support24Question: "support"
}

/** Type letters (`chat.message_type`), for extended types not listed above. */
const letterKinds: Readonly<Record<string, string>> = {
  P: "dialog",
  C: "chat",
  O: "open chat",
  L: "open line",
  S: "system",
  T: "comments",
  N: "channel",
  J: "open channel",
  A: "copilot",
  B: "collab",
  X: "external"
}

/**
 * What kind of conversation an item is: `dialog` (or `bot`) for one-to-one dialogs; for chats the extended type
 * (`task`, `open line`, `channel`, …), else the type letter's meaning, else the raw type.
 *
 * @since 0.1.0
 * @category getters
 */
export const kind = (item: RecentItem.RecentItem): string => {
  if (item.type === "user") return item.user?.bot === true ? "bot" : "dialog"
  return chatKinds[item.chat.type] ?? letterKinds[item.chat.message_type] ?? (item.chat.type || "chat")
}

/**
 * The item's title; `(deleted user)` for a dialog whose user no longer exists.
 *
 * @since 0.1.0
 * @category getters
 */
export const title = (item: RecentItem.RecentItem): string => {
  const text = Text.oneLine(RecentItem.title(item))
  return text === "" && item.type === "user" ? "(deleted user)" : text
}

/**
 * The last message on one line; in chats prefixed with its author's first name (`Anna: …`).
 *
 * @since 0.1.0
 * @category getters
 */
export const lastMessage = (item: RecentItem.RecentItem): string => {
  const text = Text.oneLine(item.message.text)
  if (item.type === "chat" && item.user !== null && "first_name" in item.user) {
    const author = Text.oneLine(item.user.first_name || item.user.name)
    if (author !== "") return text === "" ? author : `${author}: ${text}`
  }
  return text
}

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

/**
 * `YYYY-MM-DD hh:mm` in `timeZone`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatDate = (date: DateTime.DateTime, timeZone: DateTime.TimeZone): string => {
  const parts = DateTime.toParts(DateTime.setZone(date, timeZone))
  return `${parts.year}-${two(parts.month)}-${two(parts.day)} ${two(parts.hours)}:${two(parts.minutes)}`
}

/**
 * `hh:mm:ss` in `timeZone`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatTime = (date: DateTime.DateTime, timeZone: DateTime.TimeZone): string => {
  const parts = DateTime.toParts(DateTime.setZone(date, timeZone))
  return `${two(parts.hours)}:${two(parts.minutes)}:${two(parts.seconds)}`
}

/**
 * The unread column: the counter when there are unread messages, `•` for a dialog marked unread by hand, empty
 * otherwise.
 *
 * @since 0.1.0
 * @category getters
 */
export const unread = (item: RecentItem.RecentItem): string =>
  (item.counter ?? 0) > 0 ? String(item.counter) : item.unread ? "•" : ""

const gap = "  "
const minTitle = 12
const maxTitle = 32
const minMessage = 20

/**
 * The table's lines: a header and one row per item, in the given order, none wider than `options.width` (as long
 * as it leaves 8 columns for the title and the message besides the type, date and unread columns).
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (items: ReadonlyArray<RecentItem.RecentItem>, options: Options): ReadonlyArray<string> => {
  const rows = items.map((item) => ({
    pin: item.pinned ? "*" : "",
    title: title(item),
    kind: kind(item),
    message: lastMessage(item),
    date: formatDate(item.message.date, options.timeZone),
    unread: unread(item)
  }))
  const header = { pin: "", title: "TITLE", kind: "TYPE", message: "LAST MESSAGE", date: "DATE", unread: "UNREAD" }
  const widest = (pick: (row: typeof header) => string) =>
    Math.max(...[header, ...rows].map((r) => Text.width(pick(r))))
  const kindWidth = widest((r) => r.kind)
  const dateWidth = widest((r) => r.date)
  const unreadWidth = widest((r) => r.unread)
  // pin, title, type, message, date, unread: five gaps
  const room = options.width - (1 + 5 * gap.length + kindWidth + dateWidth + unreadWidth)
  const naturalTitle = widest((r) => r.title)
  const naturalMessage = widest((r) => r.message)
  let titleWidth = naturalTitle
  let messageWidth = naturalMessage
  if (naturalTitle + naturalMessage > room) {
    // the message gets most of the room: the title a third of it, within [minTitle, maxTitle]
    // and what the messages leave unused goes back to the title
    titleWidth = Math.min(naturalTitle, maxTitle, Math.max(minTitle, Math.floor(room / 3)))
    messageWidth = Math.min(naturalMessage, Math.max(minMessage, room - titleWidth))
    if (titleWidth + messageWidth > room) {
      // too narrow for the minimums: share what there is
      titleWidth = Math.min(naturalTitle, Math.max(4, Math.floor(room / 3)))
      messageWidth = Math.max(4, room - titleWidth)
    }
    titleWidth = Math.min(naturalTitle, Math.max(titleWidth, room - messageWidth))
  }
  const line = (row: typeof header) =>
    [
      Text.pad(row.pin, 1),
      Text.pad(Text.truncate(row.title, titleWidth), titleWidth),
      Text.pad(row.kind, kindWidth),
      Text.pad(Text.truncate(row.message, messageWidth), messageWidth),
      Text.pad(row.date, dateWidth),
      Text.pad(row.unread, unreadWidth, "right")
    ]
      .join(gap)
      .trimEnd()
  return [line(header), ...rows.map(line)]
}

/**
 * The line under the table: how many items, how many with unread messages, the legend and the zone of the dates.
 *
 * @since 0.1.0
 * @category rendering
 */
export const summary = (items: ReadonlyArray<RecentItem.RecentItem>, timeZone: DateTime.TimeZone): string => {
  const unreadCount = items.filter((item) => (item.counter ?? 0) > 0 || item.unread).length
  return `${items.length} ${items.length === 1 ? "chat" : "chats"}, ${unreadCount} with unread messages · * pinned, • marked unread · times in ${DateTime.zoneToString(timeZone)}`
}
