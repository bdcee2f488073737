/**
 * A whole `im-recent mirror` process as one layer: the database (`@im-recent/sql`'s `Database.layer`, schema brought
 * up to date), the runner (`Runner`: alone on SQLite, a socket runner of the cluster on Postgres), the `Portal`
 * entity, the scheduler singleton and, when asked, the HTTP side (`MirrorServer`).
 *
 * @since 0.1.0
 */
import { createServer } from "node:http"
import type { RunnerAddress } from "@effect/cluster/RunnerAddress"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type { ServeError } from "@effect/platform/HttpServerError"
import type * as SocketServer from "@effect/platform/SocketServer"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Database } from "@im-recent/sql"
import type { ConfigError } from "effect/ConfigError"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as MirrorServer from "./MirrorServer.js"
import * as PortalEntity from "./PortalEntity.js"
import * as PortalRegistry from "./PortalRegistry.js"
import * as Runner from "./Runner.js"
import * as Scheduler from "./Scheduler.js"
import * as UserSync from "./UserSync.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends PortalEntity.Options, Scheduler.Options, Runner.Options {
  /** `sqlite:<file>` or `postgres://…` (see `Database.parse`). */
  readonly db: string
  /** This runner's address for the others; required on Postgres (every runner there is one of a cluster). */
  readonly listen?: RunnerAddress | undefined
  /** Where to serve `/health`, `/install`, `/sync`, `/portals`. */
  readonly http?: { readonly host: string; readonly port: number } | undefined
  /** What a user's step does (default `UserSync.layerRecentMirror()`: items, cursor and change outbox). */
  readonly userSync?: Layer.Layer<UserSync.UserSync> | undefined
}

/**
 * The options cannot work together.
 *
 * @since 0.1.0
 * @category errors
 */
export class MirrorOptionsError extends Schema.TaggedError<MirrorOptionsError>(
  "@im-recent/cluster/Mirror/MirrorOptionsError"
)("MirrorOptionsError", { description: Schema.String }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return this.description
  }
}

/**
 * Checks the options: a Postgres database is shared by a cluster, so its runners need `listen`.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (options: Options): Either.Either<Options, MirrorOptionsError | Database.DatabaseError> =>
  Either.flatMap(Database.parse(options.db), (location) =>
    location._tag === "Postgres" && options.listen === undefined
      ? Either.left(
          new MirrorOptionsError({
            description:
              "--listen host:port is required with a Postgres database: every process on it is a runner of one cluster, reached by the others at that address"
          })
        )
      : Either.right(options)
  )

/**
 * The process.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<
  never,
  MirrorOptionsError | Database.DatabaseError | ConfigError | SocketServer.SocketServerError | ServeError
> =>
  Either.match(validate(options), {
    onLeft: (error) => Layer.fail(error),
    onRight: () => {
      const database = Database.layer(options.db)
      const runner =
        options.listen === undefined ? Runner.layerSingle(options) : Runner.layerSocket(options.listen, options)
      const services = Layer.mergeAll(runner, PortalRegistry.layer).pipe(Layer.provideMerge(database))
      const work = Layer.mergeAll(
        PortalEntity.layer(options).pipe(
          Layer.provide(options.userSync ?? UserSync.layerRecentMirror()),
          Layer.provide(FetchHttpClient.layer)
        ),
        Scheduler.layer(options),
        options.http === undefined
          ? Layer.empty
          : MirrorServer.layer.pipe(
              Layer.provide(NodeHttpServer.layer(createServer, { host: options.http.host, port: options.http.port }))
            )
      )
      return Layer.provide(work, services)
    }
  })
