/**
 * The runner a process is: its `Sharding`, with shards, runners and messages kept in SQL by the cluster's own
 * storage (`SqlRunnerStorage`, `SqlMessageStorage`: tables `cluster_*` beside this project's).
 *
 * - {@link layerSingle}: one runner and no network (`SingleRunner`): the embedded default, on SQLite or any database.
 * - {@link layerSocket}: a runner of a cluster, listening on `host:port` for the other runners
 *   (`@effect/platform-node`'s `NodeClusterSocket`); every runner whose database is the same Postgres joins the same
 *   cluster. Shard locks are Postgres advisory locks, held by the runner's connection: a runner that dies loses them
 *   with its connection, and its shards go to the others at their next assignment refresh once it is dropped from
 *   the runners' list (a failed health ping, or its heartbeat older than {@link Timing.shardLockExpiration}).
 *
 * @since 0.1.0
 */
import type * as MessageStorage from "@effect/cluster/MessageStorage"
import { RunnerAddress } from "@effect/cluster/RunnerAddress"
import type * as Runners from "@effect/cluster/Runners"
import type * as Sharding from "@effect/cluster/Sharding"
import * as ShardingConfig from "@effect/cluster/ShardingConfig"
import * as SingleRunner from "@effect/cluster/SingleRunner"
import * as Snowflake from "@effect/cluster/Snowflake"
import * as SqlMessageStorage from "@effect/cluster/SqlMessageStorage"
import * as SqlRunnerStorage from "@effect/cluster/SqlRunnerStorage"
import type * as SocketServer from "@effect/platform/SocketServer"
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { ConfigError } from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"

/**
 * The timings that decide how fast a dead runner's shards move.
 *
 * @since 0.1.0
 * @category models
 */
export interface Timing {
  /** How often a runner re-reads the runners' list and recomputes the shards it owns. */
  readonly refreshAssignmentsInterval: Duration.Duration
  /** How often a runner pings the others; a runner that answers no ping is marked unhealthy. */
  readonly runnerHealthCheckInterval: Duration.Duration
  /** How often a runner writes its heartbeat (and refreshes its shard locks). */
  readonly shardLockRefreshInterval: Duration.Duration
  /** A runner whose heartbeat is older than this is no longer in the runners' list. */
  readonly shardLockExpiration: Duration.Duration
}

/**
 * Shorter than `@effect/cluster`'s defaults (35 s expiration, 1 minute health checks): a dead runner's portals
 * move within {@link failoverBound} (14 s).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTiming: Timing = {
  refreshAssignmentsInterval: Duration.seconds(1),
  runnerHealthCheckInterval: Duration.seconds(5),
  shardLockRefreshInterval: Duration.seconds(3),
  shardLockExpiration: Duration.seconds(12)
}

/**
 * The longest a dead runner's shards stay unowned: its heartbeat expires, then one assignment refresh on a survivor.
 *
 * @since 0.1.0
 * @category utils
 */
export const failoverBound = (timing: Timing = defaultTiming): Duration.Duration =>
  Duration.sum(timing.shardLockExpiration, Duration.times(timing.refreshAssignmentsInterval, 2))

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Shards per group: the same on every runner of a cluster (default 300). */
  readonly shardsPerGroup?: number | undefined
  readonly timing?: Partial<Timing> | undefined
}

const shardingConfig = (options: Options | undefined): Partial<ShardingConfig.ShardingConfig["Type"]> => ({
  ...defaultTiming,
  ...options?.timing,
  ...(options?.shardsPerGroup === undefined ? {} : { shardsPerGroup: options.shardsPerGroup }),
  entityMaxIdleTime: Duration.minutes(5)
})

/**
 * A runner alone, without a network: every shard is its own. Its storage is SQL all the same, so entities and
 * messages survive restarts.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSingle = (
  options?: Options
): Layer.Layer<Sharding.Sharding | Runners.Runners | MessageStorage.MessageStorage, ConfigError, SqlClient.SqlClient> =>
  SingleRunner.layer({ shardingConfig: shardingConfig(options), runnerStorage: "sql" })

/**
 * Creates the cluster's tables (`cluster_*`) before the runner starts, trying again when another runner starting at
 * the same moment creates them first: Postgres lets two concurrent `CREATE TABLE IF NOT EXISTS` of one table collide
 * (a duplicate key in `pg_type`), which would otherwise kill the runner.
 *
 * @since 0.1.0
 * @category layers
 */
export const prepareStorage: Effect.Effect<void, never, SqlClient.SqlClient> = Effect.scoped(
  Effect.all([SqlMessageStorage.make(), SqlRunnerStorage.make({})], { discard: true })
).pipe(
  Effect.provide([ShardingConfig.layerDefaults, Snowflake.layerGenerator]),
  Effect.sandbox,
  Effect.retry({ times: 20, schedule: Schedule.jittered(Schedule.spaced("200 millis")) }),
  Effect.unsandbox,
  Effect.orDie
)

/**
 * A runner of a cluster: reachable by the others at `address` (`host:port`), listening there (or on `listen`, e.g.
 * `0.0.0.0:port` behind a NAT).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSocket = (
  address: RunnerAddress,
  options?: Options & { readonly listen?: RunnerAddress | undefined }
): Layer.Layer<
  Sharding.Sharding | Runners.Runners | MessageStorage.MessageStorage,
  ConfigError | SocketServer.SocketServerError,
  SqlClient.SqlClient
> =>
  NodeClusterSocket.layer({
    storage: "sql",
    shardingConfig: {
      ...shardingConfig(options),
      runnerAddress: Option.some(address),
      runnerListenAddress: Option.fromNullable(options?.listen)
    }
  }).pipe(Layer.provide(Layer.effectDiscard(prepareStorage)))

/**
 * A `host:port` that is not a runner address.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidAddress extends Schema.TaggedError<InvalidAddress>("@im-recent/cluster/Runner/InvalidAddress")(
  "InvalidAddress",
  { input: Schema.String, description: Schema.String }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${JSON.stringify(this.input)}: ${this.description}`
  }
}

/**
 * Reads `host:port` (`[::1]:port` for IPv6).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseAddress = (input: string): Either.Either<RunnerAddress, InvalidAddress> => {
  const match = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(input.trim())
  if (match === null) return Either.left(new InvalidAddress({ input, description: "expected host:port" }))
  const port = Number(match[2])
  if (port < 1 || port > 65535) return Either.left(new InvalidAddress({ input, description: "port out of 1–65535" }))
  return Either.right(RunnerAddress.make({ host: match[1]!.replace(/^\[|\]$/g, ""), port }))
}
