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
export const defaultWidth: number = Text.defaultWidth

/**
 * The width to lay out for: the terminal's columns, else `COLUMNS`, else `fallback` ({@link defaultWidth}).
 *
 * @since 0.1.0
 * @category constructors
 */
export const terminalWidth: (columns: number | undefined, env: string | undefined, fallback?: number) => number =
  Text.terminalWidth

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
const minKind = 7

/** `MM-DD hh:mm` in `timeZone`: the date column of narrow tables. */
const formatShortDate = (date: DateTime.DateTime, timeZone: DateTime.TimeZone): string =>
  formatDate(date, timeZone).slice(5)

/** Which optional columns a table has: narrower terminals drop the type, then shorten and drop the date. */
interface Layout {
  readonly kind: boolean
  readonly date: "full" | "short" | "none"
}

const layouts: ReadonlyArray<Layout> = [
  { kind: true, date: "full" },
  { kind: true, date: "short" },
  { kind: false, date: "short" },
  { kind: false, date: "none" }
]

interface Widths {
  readonly title: number
  readonly kind: number
  readonly message: number
}

/**
 * Shares `room` between the title, the type and the message, given their natural widths. When they do not all fit,
 * the title keeps up to `maxTitle`, the type gives way first (down to `minKind`), then the title and the message share
 * what is left equally; whatever the message leaves unused goes back to the title.
 */
const share = (room: number, natural: Widths): Widths => {
  if (natural.title + natural.kind + natural.message <= room) return natural
  let title = Math.min(natural.title, maxTitle)
  let kind = natural.kind
  let message = room - title - kind
  if (message < minMessage) {
    kind = Math.max(Math.min(natural.kind, minKind), Math.min(natural.kind, room - title - minMessage))
    message = room - title - kind
  }
  if (message < minMessage) {
    const rest = room - kind
    title = Math.min(natural.title, maxTitle, Math.max(Math.ceil(rest / 2), rest - natural.message))
    message = rest - title
  }
  message = Math.max(1, Math.min(natural.message, message))
  title = Math.max(1, Math.min(natural.title, Math.max(title, room - kind - message)))
  return { title, kind, message }
}

/**
 * The table's lines: a header and one row per item, in the given order, none wider than `options.width` from 30
 * columns up. The title gets the room first (up to 32 columns), then the message; on narrow terminals the type
 * column is trimmed, then dropped, and the date loses its year, then goes too.
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (items: ReadonlyArray<RecentItem.RecentItem>, options: Options): ReadonlyArray<string> => {
  const cells = items.map((item) => ({
    pin: item.pinned ? "*" : "",
    title: title(item),
    kind: kind(item),
    message: lastMessage(item),
    date: item.message.date,
    unread: unread(item)
  }))
  const header = { title: "TITLE", kind: "TYPE", message: "LAST MESSAGE", date: "DATE", unread: "UNREAD" }
  const widest = (texts: ReadonlyArray<string>) => Math.max(...texts.map(Text.width))
  const natural: Widths = {
    title: widest([header.title, ...cells.map((c) => c.title)]),
    kind: widest([header.kind, ...cells.map((c) => c.kind)]),
    message: widest([header.message, ...cells.map((c) => c.message)])
  }
  const unreadWidth = widest([header.unread, ...cells.map((c) => c.unread)])
  const dateText = (layout: Layout, date: DateTime.DateTime) =>
    layout.date === "full"
      ? formatDate(date, options.timeZone)
      : layout.date === "short"
        ? formatShortDate(date, options.timeZone)
        : ""
  const fixedWidth = (layout: Layout) => {
    const dateWidth = layout.date === "none" ? 0 : widest([header.date, ...cells.map((c) => dateText(layout, c.date))])
    const columns = 4 + (layout.kind ? 1 : 0) + (layout.date === "none" ? 0 : 1)
    return { dateWidth, fixed: 1 + (columns - 1) * gap.length + dateWidth + unreadWidth }
  }
  const fits = (layout: Layout) =>
    options.width - fixedWidth(layout).fixed >=
    Math.min(natural.title, minTitle) +
      Math.min(natural.message, minMessage) +
      (layout.kind ? Math.min(natural.kind, minKind) : 0)
  const layout = layouts.find(fits) ?? layouts[layouts.length - 1]
  const { dateWidth, fixed } = fixedWidth(layout)
  const widths = share(options.width - fixed, layout.kind ? natural : { ...natural, kind: 0 })
  const line = (row: {
    readonly pin: string
    readonly title: string
    readonly kind: string
    readonly message: string
    readonly date: string
    readonly unread: string
  }) =>
    [
      Text.pad(row.pin, 1),
      Text.pad(Text.truncate(row.title, widths.title), widths.title),
      ...(layout.kind ? [Text.pad(Text.truncate(row.kind, widths.kind), widths.kind)] : []),
      Text.pad(Text.truncate(row.message, widths.message), widths.message),
      ...(layout.date === "none" ? [] : [Text.pad(row.date, dateWidth)]),
      Text.pad(row.unread, unreadWidth, "right")
    ]
      .join(gap)
      .trimEnd()
  return [line({ pin: "", ...header }), ...cells.map((cell) => line({ ...cell, date: dateText(layout, cell.date) }))]
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
