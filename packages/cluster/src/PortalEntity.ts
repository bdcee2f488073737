/**
 * The `Portal` entity of the cluster, keyed by the portal's domain: exactly one runner hosts a portal's entity at a
 * time (its shard's owner), and the entity is the only thing in the cluster that talks to that portal. It owns:
 *
 * - the portal's request throttle: one leaky bucket (`RequestThrottle`) for all of the portal's users, created when
 *   the entity starts and marked full then (the runner that hosted it before may just have spent it), so the rate the
 *   server counts never goes above its allowance, even across a move;
 * - the operating-time budgets (`OperatingBudget`) of the portal's callers;
 * - the token renewal of its OAuth users: only the hosting runner renews, through `@im-recent/sql`'s `SqlTokenStore`
 *   (under the row's lock, a pair another process renewed meanwhile taken instead of its retired refresh token), and
 *   every renewed pair is saved before use;
 * - the per-user mirror work: on `SyncAll`, one `UserSync` step for every registered user of the portal, several at
 *   once so the bucket always has a request waiting.
 *
 * When a runner dies, its shards, and so its portals' entities, move to the others (`@effect/cluster`), which start
 * them anew: fresh buckets marked full, mirrors built from the database.
 *
 * @since 0.1.0
 */
import * as Entity from "@effect/cluster/Entity"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Rpc from "@effect/rpc/Rpc"
import * as SqlClient from "@effect/sql/SqlClient"
import {
  Bitrix24,
  Bitrix24Auth,
  ImRecent,
  OperatingBudget,
  RequestThrottle,
  type RetrySchedule,
  TokenStore
} from "@im-recent/client"
import { RateLimit } from "@im-recent/domain"
import { SqlTokenStore } from "@im-recent/sql"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import { PortalRegistry, type Portal as Registered, type User } from "./PortalRegistry.js"
import { type UserMirror, UserSync } from "./UserSync.js"

/**
 * One user's outcome in a round: the step's kind and the list's size, or why it failed (masked).
 *
 * @since 0.1.0
 * @category schemas
 */
export const UserOutcome = Schema.Struct({
  userId: Schema.Number,
  kind: Schema.optional(Schema.Literal("full", "delta")),
  items: Schema.optional(Schema.Number),
  changed: Schema.optional(Schema.Number),
  error: Schema.optional(Schema.String),
  /** How long the step took (ms), the wait for the portal's bucket included. */
  ms: Schema.Number
})

/**
 * What a `SyncAll` did.
 *
 * @since 0.1.0
 * @category schemas
 */
export class SyncReport extends Schema.Class<SyncReport>("@im-recent/cluster/PortalEntity/SyncReport")({
  portal: Schema.String,
  /** The runner that hosts the entity (`host:port`). */
  runner: Schema.String,
  users: Schema.Array(UserOutcome),
  /** How long the round took (ms). */
  ms: Schema.Number
}) {}

/**
 * Where the entity is and how its bucket stands.
 *
 * @since 0.1.0
 * @category schemas
 */
export class PortalStatus extends Schema.Class<PortalStatus>("@im-recent/cluster/PortalEntity/PortalStatus")({
  portal: Schema.String,
  runner: Schema.String,
  /** When the entity started on this runner (epoch milliseconds). */
  startedAt: Schema.Number,
  /** Requests admitted by the bucket since the entity started. */
  requests: Schema.Number,
  level: Schema.Number,
  inFlight: Schema.Number,
  waiting: Schema.Number
}) {}

/**
 * The portal is not in the registry.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownPortal extends Schema.TaggedError<UnknownPortal>("@im-recent/cluster/PortalEntity/UnknownPortal")(
  "UnknownPortal",
  { portal: Schema.String }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.portal} is not registered (im-recent portals add, or POST /install)`
  }
}

/**
 * One step for every registered user of the portal.
 *
 * @since 0.1.0
 * @category rpcs
 */
export const SyncAll = Rpc.make("SyncAll", { success: SyncReport, error: UnknownPortal })

/**
 * The entity's runner and bucket.
 *
 * @since 0.1.0
 * @category rpcs
 */
export const Status = Rpc.make("Status", { success: PortalStatus })

/**
 * The entity type, keyed by the portal's domain.
 *
 * @since 0.1.0
 * @category entities
 */
export const Portal = Entity.make("Portal", [SyncAll, Status])

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The portals' request-rate allowance (default `RateLimit.standard`, 50 then 2 per second). */
  readonly rateLimit?: RateLimit.Settings | undefined
  /** The OAuth application (its users' pairs are renewed with it); needed for portals registered by installation. */
  readonly application?:
    | { readonly clientId: string; readonly clientSecret: Redacted.Redacted<string>; readonly oauthServer?: string }
    | undefined
  /** How many of a portal's users sync at once (default 4: enough to keep the bucket's queue from running dry). */
  readonly concurrency?: number | undefined
  /** The clients' retry schedule (default the client's). */
  readonly retry?: RetrySchedule.RetrySchedule | undefined
  /** Stop an idle entity after this long (default 5 minutes). */
  readonly maxIdleTime?: Duration.DurationInput | undefined
}

const runnerName = (address: { readonly host: string; readonly port: number }) => `${address.host}:${address.port}`

const describeError = (error: unknown): string =>
  typeof error === "object" && error !== null && "_tag" in error
    ? `${String(error._tag)}: ${error instanceof Error ? error.message : ""}`
    : String(error)

/**
 * The handlers of {@link Portal}, registered with the `Sharding` in context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}) =>
  Portal.toLayer(
    Effect.gen(function* () {
      const address = yield* Entity.CurrentAddress
      const runner = runnerName(yield* Entity.CurrentRunnerAddress)
      const portal = address.entityId
      const registry = yield* PortalRegistry
      const userSync = yield* UserSync
      const sql = yield* SqlClient.SqlClient
      const http = yield* HttpClient.HttpClient
      const scope = yield* Scope.Scope
      const startedAt = Date.now()
      const settings = options.rateLimit ?? RateLimit.standard
      const buckets = RequestThrottle.makeRegistry()
      const budgets = OperatingBudget.makeRegistry()
      let requests = 0
      let bucket: RequestThrottle.Bucket | undefined
      const mirrors = new Map<number, UserMirror>()
      const rounds = yield* Effect.makeSemaphore(1)

      /** The portal's bucket: made full when first made (the previous runner may have spent it). */
      const bucketOf = (origin: string) =>
        Effect.gen(function* () {
          if (bucket === undefined) {
            const made = buckets.bucket(origin, settings)
            yield* made.saturate
            bucket = made
          }
          return bucket
        })

      const authOf = (found: Registered, user: User) =>
        user.auth._tag === "Webhook"
          ? Bitrix24Auth.webhook(user.auth.url)
          : Effect.gen(function* () {
              const application = options.application
              if (application === undefined) {
                return yield* Effect.dieMessage(
                  `${found.portal}: user ${user.userId} was registered by installation, and no OAuth application (client id and secret) is configured`
                )
              }
              return yield* Bitrix24Auth.oauth({
                portalUrl: found.baseUrl,
                clientId: Option.getOrElse(found.clientId, () => application.clientId),
                clientSecret: application.clientSecret,
                userId: user.userId,
                oauthServerUrl: Option.getOrElse(
                  found.oauthServer,
                  () => application.oauthServer ?? Bitrix24Auth.defaultOAuthServer
                )
              }).pipe(
                Effect.provideServiceEffect(
                  TokenStore.TokenStore,
                  SqlTokenStore.make({ key: (user.auth as { tokenKey: string }).tokenKey })
                ),
                Effect.provideService(SqlClient.SqlClient, sql)
              )
            })

      const mirrorOf = (found: Registered, user: User) =>
        Effect.gen(function* () {
          const known = mirrors.get(user.userId)
          if (known !== undefined) return known
          const auth = yield* authOf(found, user)
          const portalBucket = yield* bucketOf(auth.origin)
          const counting: RequestThrottle.Bucket = {
            ...portalBucket,
            withSlot: (effect) =>
              portalBucket.withSlot(
                Effect.suspend(() => {
                  requests += 1
                  return effect
                })
              )
          }
          const client = yield* Bitrix24.make({ rateLimit: settings, retry: options.retry }).pipe(
            Effect.provideService(Bitrix24Auth.Bitrix24Auth, auth),
            Effect.provideService(HttpClient.HttpClient, http),
            Effect.provideService(RequestThrottle.BucketRegistry, { bucket: () => counting }),
            Effect.provideService(OperatingBudget.TrackerRegistry, budgets)
          )
          const recent = yield* ImRecent.make.pipe(Effect.provideService(Bitrix24.Bitrix24, client))
          const mirror = yield* userSync
            .make({ portal: found.portal, userId: user.userId })
            .pipe(Effect.provideService(ImRecent.ImRecent, recent), Effect.provideService(SqlClient.SqlClient, sql))
          mirrors.set(user.userId, mirror)
          return mirror
        }).pipe(Effect.provideService(Scope.Scope, scope))

      const syncUser = (found: Registered, user: User) =>
        Effect.flatMap(mirrorOf(found, user), (mirror) => mirror.sync).pipe(
          Effect.exit,
          Effect.timed,
          Effect.map(([elapsed, exit]) => {
            const ms = Math.round(Duration.toMillis(elapsed))
            return Exit.match(exit, {
              onSuccess: (synced) => ({
                userId: user.userId,
                kind: synced.kind,
                items: synced.items,
                changed: synced.changed,
                ms
              }),
              onFailure: (cause) => ({ userId: user.userId, error: describeError(Cause.squash(cause)), ms })
            })
          })
        )

      return Portal.of({
        SyncAll: () =>
          rounds.withPermits(1)(
            Effect.gen(function* () {
              const found = yield* registry.get(portal).pipe(Effect.orDie)
              if (Option.isNone(found)) return yield* new UnknownPortal({ portal })
              const [elapsed, users] = yield* Effect.timed(
                Effect.forEach(found.value.users, (user) => syncUser(found.value, user), {
                  concurrency: options.concurrency ?? 4
                })
              )
              return new SyncReport({ portal, runner, users, ms: Math.round(Duration.toMillis(elapsed)) })
            })
          ),
        Status: () =>
          Effect.gen(function* () {
            const state = bucket === undefined ? undefined : yield* bucket.state
            return new PortalStatus({
              portal,
              runner,
              startedAt,
              requests,
              level: state?.level ?? 0,
              inFlight: state?.inFlight ?? 0,
              waiting: state?.waiting ?? 0
            })
          })
      })
    }),
    { concurrency: "unbounded", maxIdleTime: options.maxIdleTime ?? Duration.minutes(5) }
  )
