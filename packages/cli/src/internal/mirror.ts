/**
 * What `im-recent mirror` runs, loaded by `MirrorCommand` with a dynamic import: `@im-recent/sql` and `@effect/sql`
 * (and through `Database.layer` the driver) are read only by this command.
 */
import type { Bitrix24Error } from "@im-recent/client"
import { RecentSync } from "@im-recent/client"
import type { RecentGet } from "@im-recent/domain"
import { Database, RecentMirror } from "@im-recent/sql"
import * as Console from "effect/Console"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as CliError from "../CliError.js"
import * as Connection from "../Connection.js"
import * as RecentTable from "../RecentTable.js"
import * as WatchCommand from "../WatchCommand.js"
import * as Durations from "./duration.js"

export interface Options {
  readonly database: string
  readonly once: boolean
  readonly interval: Duration.Duration
  readonly params: Omit<RecentGet.Params, "LAST_SYNC_DATE" | "LAST_UPDATE">
  readonly tokenFile: Option.Option<string>
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/** `21:50:33  delta: 87 items, 2 changed (1 added, 1 updated), 31 ms` */
export const syncLine = (sync: RecentMirror.Sync, now: DateTime.DateTime, timeZone: DateTime.TimeZone): string => {
  const count = (kind: RecentMirror.Kind) => sync.changes.filter((change) => change.kind === kind).length
  const parts = (["added", "updated", "removed"] as const)
    .map((kind) => [kind, count(kind)] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`)
  const what = sync.kind === "delta" ? "delta" : `full (${sync.reason})`
  const changed = parts.length === 0 ? "0 changed" : `${sync.changes.length} changed (${parts.join(", ")})`
  return `${RecentTable.formatTime(now, timeZone)}  ${what}: ${plural(sync.items, "item")}, ${changed}, ${Math.round(Duration.toMillis(sync.elapsed))} ms`
}

const databaseError = (error: Database.DatabaseError): CliError.UsageError | CliError.DatabaseError =>
  error.reason === "unknown-scheme" || error.reason === "bad-url"
    ? CliError.usage(`--db ${error.message}`)
    : new CliError.DatabaseError({ message: `the database ${error.message}` })

export const run = (
  options: Options
): Effect.Effect<void, CliError.UsageError | CliError.PortalError | CliError.DatabaseError> => {
  const shown = Database.mask(options.database)
  const database = Database.layer(options.database).pipe(Layer.mapError(databaseError))
  const program = Effect.gen(function* () {
    yield* Connection.announce
    const connection = yield* Connection.Connection
    const mirror = yield* RecentMirror.RecentMirror
    const failed = (error: RecentSync.StepError) =>
      error._tag === "SnapshotStoreError"
        ? new CliError.DatabaseError({ message: `the database ${shown} failed: ${error.description}` })
        : CliError.fromBitrix24Error(error as Bitrix24Error.Bitrix24Error, connection)
    const zone = DateTime.zoneMakeLocal()
    const print = (sync: RecentMirror.Sync) =>
      Effect.flatMap(DateTime.now, (now) => Console.log(syncLine(sync, now, zone)))
    const first = yield* Effect.mapError(mirror.sync, failed)
    yield* print(first)
    if (options.once) return
    yield* Console.log(
      `Mirroring the recent list of user ${mirror.key.userId} on ${mirror.key.portal} into ${shown}, syncing every ${Durations.format(options.interval)}. Press Ctrl-C to stop.`
    )
    yield* Effect.forkScoped(connection.activity())
    yield* Effect.sleep(options.interval)
    yield* mirror
      .syncs({
        schedule: RecentSync.backoff(options.interval, WatchCommand.maxBackoff),
        // a database that went away (a restart, a lost connection) comes back as time passes, as a portal does
        while: (error) => error._tag === "SnapshotStoreError" || RecentSync.isRetryableLater(error),
        onRetry: (retry) =>
          Console.error(`sync failed, trying again in ${Durations.format(retry.delay)}: ${failed(retry.error).message}`)
      })
      .pipe(Stream.mapError(failed), Stream.runForEach(print))
  })
  return program.pipe(
    Effect.scoped,
    Effect.provide(
      RecentMirror.layer({ params: options.params, interval: options.interval }).pipe(
        Layer.mapError((error) => new CliError.PortalError({ message: error.message }))
      )
    ),
    Effect.provide(Connection.layer({ tokenFile: options.tokenFile })),
    // the database first: a database that cannot be used stops the command before the portal is asked anything
    Effect.provide(database)
  )
}
