/**
 * What `im-recent mirror` runs, loaded by `MirrorCommand` with a dynamic import: `@im-recent/cluster`, `@effect/cluster`
 * and `@effect/sql` (and through `Database.layer` the driver) are read only by this command.
 */
import { Bitrix24 } from "@im-recent/client"
import { Mirror, Runner } from "@im-recent/cluster"
import { Database } from "@im-recent/sql"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as CliError from "../CliError.js"
import * as Durations from "./duration.js"

export interface Options {
  readonly db: string
  readonly listen: string | undefined
  readonly http: string | undefined
  readonly interval: Duration.Duration
}

const address = (flag: string, value: string | undefined) =>
  value === undefined
    ? Either.right(undefined)
    : Either.mapLeft(Runner.parseAddress(value), (error) => CliError.usage(`--${flag} ${error.message}`))

const application = Config.all({
  clientId: Config.nonEmptyString("BITRIX24_CLIENT_ID"),
  clientSecret: Config.redacted("BITRIX24_CLIENT_SECRET"),
  oauthServer: Config.withDefault(Config.string("BITRIX24_OAUTH_SERVER_URL"), "https://oauth.bitrix.info")
}).pipe(Config.option)

const failure = (error: unknown): CliError.UsageError | CliError.PortalError | CliError.DatabaseError => {
  if (error instanceof Database.DatabaseError) {
    return error.reason === "unknown-scheme" || error.reason === "bad-url"
      ? CliError.usage(`--db ${error.message}`)
      : new CliError.DatabaseError({ message: `the database ${error.message}` })
  }
  if (error instanceof Mirror.MirrorOptionsError) return CliError.usage(error.message)
  const message = error instanceof Error ? error.message : String(error)
  return new CliError.PortalError({ message: `the runner cannot start: ${message}` })
}

export const run = (options: Options) =>
  Effect.gen(function* () {
    const listen = yield* address("listen", options.listen)
    const http = yield* address("http", options.http)
    const app = yield* application.pipe(
      Effect.mapError(() => CliError.usage("BITRIX24_CLIENT_ID and BITRIX24_CLIENT_SECRET: both, or neither"))
    )
    // BITRIX24_RATE_LIMIT (standard, enterprise, <burst>/<per second>), BITRIX24_RETRY_TIMES, …: as for one portal
    const knobs = yield* Bitrix24.optionsConfig.pipe(Effect.mapError(CliError.fromConfigError))
    const mirror = Mirror.layer({
      db: options.db,
      listen,
      http: http === undefined ? undefined : { host: http.host, port: http.port },
      interval: options.interval,
      application: Option.getOrUndefined(app),
      rateLimit: knobs.rateLimit,
      retry: knobs.retry
    }).pipe(Layer.mapError(failure))
    yield* Effect.scoped(
      Effect.gen(function* () {
        yield* Layer.build(mirror)
        yield* Console.log(
          [
            `Mirroring the registered portals from ${Database.mask(options.db)}`,
            listen === undefined ? "as a single runner" : `as the runner ${listen.host}:${listen.port}`,
            http === undefined ? undefined : `serving http://${http.host}:${http.port}`,
            `one round per portal every ${Durations.format(options.interval)}. Press Ctrl-C to stop.`
          ]
            .filter((part) => part !== undefined)
            .join(", ")
        )
        return yield* Effect.never
      })
    )
  })
