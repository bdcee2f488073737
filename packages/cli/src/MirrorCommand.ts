/**
 * `im-recent mirror`: this process becomes a runner of the mirror of every registered portal (`@im-recent/cluster`).
 * Each portal's `Portal` entity, on exactly one runner at a time, spends that portal's request budget, renews its
 * tokens, and keeps its users' recent lists in the database (`im_recent_item`).
 *
 * - `--db sqlite:<file>` (the default `sqlite:./im-recent.db`): one runner, no network, no server.
 * - `--db postgres://…` with `--listen host:port`: a runner of the cluster of every `im-recent mirror` on that
 *   database, reached by the others at that address; a runner that dies has its portals taken over by the others.
 * - `--http host:port`: serves `GET /health`, `POST /install` (the application's installation handler),
 *   `POST /sync` (one round of every portal now) and `GET /portals` (which runner has which portal).
 *
 * Portals installed through `POST /install` are renewed with the application given by `BITRIX24_CLIENT_ID` and
 * `BITRIX24_CLIENT_SECRET` (and `BITRIX24_OAUTH_SERVER_URL`, default `https://oauth.bitrix.info`). Every portal's
 * allowance is `BITRIX24_RATE_LIMIT` (`standard`, 50 then 2 a second, by default; `enterprise`; `<burst>/<per second>`).
 * Runs until Ctrl-C.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as CommandLine from "./internal/commandLine.js"
import * as WatchCommand from "./WatchCommand.js"

/**
 * The parsed flags.
 *
 * @since 0.1.0
 * @category models
 */
export interface Flags {
  readonly db: string
  readonly listen: Option.Option<string>
  readonly http: Option.Option<string>
  readonly interval: string
}

/**
 * Runs the runner until interrupted.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (flags: Flags) =>
  Effect.gen(function* () {
    const interval = yield* WatchCommand.parseInterval(flags.interval)
    // @im-recent/cluster, @effect/sql and the drivers: only now
    const cluster = yield* Effect.promise(() => import("./internal/cluster.js"))
    yield* cluster.run({
      db: flags.db,
      listen: Option.getOrUndefined(flags.listen),
      http: Option.getOrUndefined(flags.http),
      interval
    })
  })

/**
 * The `mirror` subcommand.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = CommandLine.mirror
