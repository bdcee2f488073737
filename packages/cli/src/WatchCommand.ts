/**
 * `im-recent watch`: keeps the recent list in sync (`RecentSync`: a full load, then a delta with `LAST_SYNC_DATE`
 * every `--interval`) and prints what appeared or changed, one line per change:
 *
 * ```text
 * 21:50:03  Michael Thompson (dialog)  Are we still on for 3 pm?  [2 unread]
 * 21:50:09  Marketing: spring campaign (chat)  Anna: Lunch in 10 minutes?  [1 unread]
 * 21:51:40  Monday stand-up (chat)  [read]
 * ```
 *
 * The time is when the item changed on the server, in local time. On the demo portal colleagues post a few
 * messages meanwhile. After the first sync, a failed step that time can fix (the network, a portal restarting on a
 * loopback port, the rate limit, a server error: `RecentSync.isRetryableLater`) is reported on stderr and tried again
 * after a back-off: the interval, then twice as long each time, at most a minute. Other failures (credentials
 * refused) stop the command. Ctrl-C stops it with status 0.
 *
 * With `--only-openlines` every step is a full load: the server ignores `LAST_SYNC_DATE` next to `ONLY_OPENLINES`
 * (`RecentSync` reason `no-delta`).
 *
 * @since 0.1.0
 */
import { type Bitrix24Error, RecentSync } from "@im-recent/client"
import type { RecentItem } from "@im-recent/domain"
import * as Console from "effect/Console"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as CliError from "./CliError.js"
import * as Connection from "./Connection.js"
import * as Filters from "./Filters.js"
import * as CommandLine from "./internal/commandLine.js"
import * as Durations from "./internal/duration.js"
import * as Text from "./internal/text.js"
import * as RecentCommand from "./RecentCommand.js"
import * as RecentTable from "./RecentTable.js"

/**
 * The parsed flags.
 *
 * @since 0.1.0
 * @category models
 */
export interface Flags extends Filters.Flags, Connection.Flags {
  readonly interval: string
}

/**
 * The longest wait between two tries of a failed step (the back-off starts at the interval and doubles).
 *
 * @since 0.1.0
 * @category constants
 */
export const maxBackoff = Duration.minutes(1)

/**
 * The shortest `--interval` (the portal allows 2 requests a second, shared by every client of the portal).
 *
 * @since 0.1.0
 * @category constants
 */
export const minInterval = 1000

/**
 * Reads `--interval`: `5s`, `500ms`, `1m`, `10 seconds`, or a number of seconds; at least one second.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseInterval = (value: string): Either.Either<Duration.Duration, CliError.UsageError> =>
  Option.match(Durations.parse(value), {
    onNone: () =>
      Either.left(
        CliError.usage(`--interval must be a duration like 5s, 500ms, 2m or "10 seconds", got ${JSON.stringify(value)}`)
      ),
    onSome: (duration) =>
      Duration.toMillis(duration) < minInterval
        ? Either.left(CliError.usage(`--interval must be at least 1s, got ${value}`))
        : Either.right(duration)
  })

/**
 * How change lines are laid out.
 *
 * @since 0.1.0
 * @category models
 */
export interface LineOptions {
  readonly width: number
  readonly timeZone: DateTime.TimeZone
  /** The time shown for removals (they carry no date of their own). */
  readonly now: DateTime.DateTime
}

const line = (
  time: string,
  item: RecentItem.RecentItem,
  message: string,
  tags: ReadonlyArray<string>,
  width: number
) => {
  const head = `${time}  ${RecentTable.title(item)} (${RecentTable.kind(item)})`
  const tail = tags.length === 0 ? "" : `  ${tags.map((tag) => `[${tag}]`).join(" ")}`
  if (message === "") return Text.truncate(`${head}${tail}`, width)
  const room = width - Text.width(head) - Text.width(tail) - 2
  return room >= 10
    ? `${head}  ${Text.truncate(message, room)}${tail}`
    : Text.truncate(`${head}  ${message}${tail}`, width)
}

const unreadTag = (item: RecentItem.RecentItem): ReadonlyArray<string> =>
  (item.counter ?? 0) > 0 ? [`${item.counter} unread`] : []

/**
 * The lines for one sync step: one per item that appeared, changed or disappeared, oldest change first. `previous`
 * is the list before the step. A full load with nothing before it (the first step) gives no lines.
 *
 * @since 0.1.0
 * @category rendering
 */
export const changeLines = (
  previous: ReadonlyArray<RecentItem.RecentItem>,
  change: RecentSync.Change,
  options: LineOptions
): ReadonlyArray<string> => {
  if (change.reason === "initial") return []
  const before = new Map(previous.map((item) => [item.id, item]))
  const after = new Map(change.snapshot.items.map((item) => [item.id, item]))
  const entries: Array<{ readonly at: number; readonly text: string }> = []
  const time = (date: DateTime.DateTime) => RecentTable.formatTime(date, options.timeZone)
  for (const id of change.added) {
    const item = after.get(id)
    if (item === undefined) continue
    entries.push({
      at: item.date_update.epochMillis,
      text: line(
        time(item.date_update),
        item,
        RecentTable.lastMessage(item),
        ["new", ...unreadTag(item)],
        options.width
      )
    })
  }
  for (const id of change.updated) {
    const item = after.get(id)
    const old = before.get(id)
    if (item === undefined || old === undefined) continue
    const tags: Array<string> = []
    const newMessage = item.message.id !== old.message.id
    const counter = item.counter ?? 0
    if (counter !== (old.counter ?? 0)) tags.push(counter > 0 ? `${counter} unread` : "read")
    else if (newMessage && counter > 0) tags.push(`${counter} unread`)
    if (item.pinned !== old.pinned) tags.push(item.pinned ? "pinned" : "unpinned")
    if (item.unread !== old.unread) tags.push(item.unread ? "marked unread" : "unread mark cleared")
    if (RecentTable.title(item) !== RecentTable.title(old)) tags.push(`renamed from "${RecentTable.title(old)}"`)
    if (!newMessage && tags.length === 0) tags.push("updated")
    entries.push({
      at: item.date_update.epochMillis,
      text: line(time(item.date_update), item, newMessage ? RecentTable.lastMessage(item) : "", tags, options.width)
    })
  }
  for (const id of change.removed) {
    const old = before.get(id)
    if (old === undefined) continue
    entries.push({
      at: options.now.epochMillis,
      text: line(time(options.now), old, "", ["removed from the list"], options.width)
    })
  }
  return entries.sort((a, b) => a.at - b.at).map((entry) => entry.text)
}

/**
 * What the loop needs besides `RecentSync`: the interval, where lines go, and how to lay them out.
 *
 * @since 0.1.0
 * @category models
 */
export interface LoopOptions {
  readonly interval: Duration.Duration
  readonly width: number
  readonly timeZone: DateTime.TimeZone
  /** Where change lines (and the summary before them) go. */
  readonly print: (line: string) => Effect.Effect<void>
  /** Where reports of failed steps go. */
  readonly report: (line: string) => Effect.Effect<void>
}

/**
 * The first sync, a summary (wrapped to the width at spaces), then a step every `interval` with its change lines,
 * forever. The first step's failure, and failures time cannot fix, end the loop; the others are reported and the
 * step is tried again after a back-off (`RecentSync.retrying`: the interval, doubled each time, at most
 * {@link maxBackoff}). With the demo portal, colleagues start posting after the first sync.
 *
 * @since 0.1.0
 * @category running
 */
export const loop = (
  options: LoopOptions
): Effect.Effect<never, CliError.PortalError, RecentSync.RecentSync | Connection.Connection> =>
  Effect.scoped(
    Effect.gen(function* () {
      const sync = yield* RecentSync.RecentSync
      const connection = yield* Connection.Connection
      const failed = (
        error: Bitrix24Error.Bitrix24Error | { readonly _tag: "SnapshotStoreError"; readonly message: string }
      ) =>
        error._tag === "SnapshotStoreError"
          ? new CliError.PortalError({ message: error.message })
          : CliError.fromBitrix24Error(error, connection)
      const first = yield* Effect.mapError(sync.sync, failed)
      let previous = first.snapshot.items
      const unread = previous.filter((item) => (item.counter ?? 0) > 0 || item.unread).length
      const header = `Watching ${previous.length} recent chats on ${connection.portal} (${unread} with unread messages), checking every ${Durations.format(options.interval)}. Press Ctrl-C to stop.`
      for (const text of Text.wrap(header, options.width)) yield* options.print(text)
      yield* Effect.forkScoped(connection.activity())
      const step = RecentSync.retrying({
        schedule: RecentSync.backoff(options.interval, maxBackoff),
        onRetry: (retry) =>
          options.report(
            `sync failed, trying again in ${Durations.format(retry.delay)}: ${failed(retry.error).message}`
          )
      })(sync.sync)
      return yield* Effect.forever(
        Effect.gen(function* () {
          yield* Effect.sleep(options.interval)
          const change = yield* Effect.mapError(step, failed)
          const now = yield* DateTime.now
          for (const text of changeLines(previous, change, { ...options, now })) yield* options.print(text)
          previous = change.snapshot.items
        })
      )
    })
  )

/**
 * Runs the command until interrupted.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (flags: Flags): Effect.Effect<void, CliError.UsageError | CliError.PortalError> =>
  Effect.gen(function* () {
    const interval = yield* parseInterval(flags.interval)
    const params = yield* Filters.params(flags)
    const width = yield* RecentCommand.outputWidth
    yield* Effect.gen(function* () {
      yield* Connection.announce
      return yield* loop({
        interval,
        width,
        timeZone: DateTime.zoneMakeLocal(),
        print: (text) => Console.log(text),
        report: (text) => Console.error(text)
      })
    }).pipe(
      Effect.provide(
        RecentSync.layerMemory({ params }).pipe(Layer.provideMerge(Connection.layer({ tokenFile: flags.tokenFile })))
      )
    )
  })

/**
 * The `watch` subcommand.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = CommandLine.watch
