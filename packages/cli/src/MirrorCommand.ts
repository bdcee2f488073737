/**
 * `im-recent mirror`: keeps the user's recent list in a database an app can query (`RecentMirror` of `@im-recent/sql`):
 * the items in `im_recent_item`, the sync state in `im_recent_cursor`, every change in the outbox `im_recent_change`.
 * Each sync (a full load, then deltas with `LAST_SYNC_DATE`) is written in one transaction; a restart resumes from the
 * stored cursor with a delta. One line per sync on stdout:
 *
 * ```text
 * 21:50:03  full (initial): 87 items, 87 changed (87 added), 212 ms
 * 21:50:33  delta: 87 items, 2 changed (1 added, 1 updated), 31 ms
 * ```
 *
 * `--db` takes `sqlite:<file>` (default `sqlite:./im-recent.db`) or a `postgres://user:password@host:port/database`
 * URL. `--once` runs one sync and exits; without it the command syncs every `--interval` until Ctrl-C, trying a failed
 * step that time can fix again after a back-off, as `watch` does. The portal is the one `recent` reads
 * (`BITRIX24_WEBHOOK_URL`, or the demo portal when none is configured).
 *
 * With portals registered in the database (`im-recent portals add`, or `POST /install`), or with `--listen` or
 * `--http`, the process instead mirrors every registered portal's users as a runner of `@im-recent/cluster`: one
 * runner on SQLite; on Postgres (`--listen host:port` required) a runner of the cluster of every `im-recent mirror` on
 * that database, whose portals move to the others when it dies. `--http host:port` serves `GET /health`,
 * `POST /install` (the application's installation handler), `POST /sync` (a round of every portal now) and
 * `GET /portals`. Installed portals' pairs are renewed with the application of `BITRIX24_CLIENT_ID` and
 * `BITRIX24_CLIENT_SECRET`; every portal's allowance is `BITRIX24_RATE_LIMIT` (default `standard`).
 *
 * The database drivers (`@effect/sql-sqlite-node`, `@effect/sql-pg`) and the mirror itself are loaded only when this
 * command runs: `--help` and the other commands never read them, and a missing driver is named in the error.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as CliError from "./CliError.js"
import type * as Connection from "./Connection.js"
import * as Filters from "./Filters.js"
import * as CommandLine from "./internal/commandLine.js"
import * as WatchCommand from "./WatchCommand.js"

/**
 * The parsed flags.
 *
 * @since 0.1.0
 * @category models
 */
export interface Flags extends Filters.Flags, Connection.Flags {
  readonly db: string
  readonly once: boolean
  readonly interval: string
  readonly listen: Option.Option<string>
  readonly http: Option.Option<string>
}

/**
 * The database `--db` names when it is not given.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultDatabase = CommandLine.defaultDatabase

/**
 * Runs the command: one sync with `--once`, else until interrupted.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (
  flags: Flags
): Effect.Effect<void, CliError.UsageError | CliError.PortalError | CliError.DatabaseError> =>
  Effect.gen(function* () {
    const interval = yield* WatchCommand.parseInterval(flags.interval)
    const asked = Option.isSome(flags.listen) || Option.isSome(flags.http)
    // the registry, @effect/sql and the drivers: only now
    const portals = yield* Effect.promise(() => import("./internal/portals.js"))
    if (asked || (yield* portals.hasPortals(flags.db))) {
      if (flags.once) {
        return yield* CliError.usage(
          "--once mirrors the one configured user; with registered portals (or --listen, --http) mirror runs every portal until Ctrl-C, and POST /sync of --http runs a round now"
        )
      }
      const cluster = yield* Effect.promise(() => import("./internal/cluster.js"))
      return yield* cluster.run({
        db: flags.db,
        listen: Option.getOrUndefined(flags.listen),
        http: Option.getOrUndefined(flags.http),
        interval
      })
    }
    const params = yield* Filters.params(flags)
    const mirror = yield* Effect.promise(() => import("./internal/mirror.js"))
    yield* mirror.run({ database: flags.db, once: flags.once, interval, params, tokenFile: flags.tokenFile })
  })

/**
 * The `mirror` subcommand.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = CommandLine.mirror
