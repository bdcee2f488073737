/**
 * What keeps the mirrors going: a cluster singleton (one runner at a time runs it; it moves when that runner dies)
 * that sends every registered portal's entity a `SyncAll`, waits for its answer, and sends the next one `interval`
 * later. Portals go at their own pace: one loop per portal, new portals picked up at each registry poll.
 *
 * The scheduler only sends messages; the work, and the spending of the portal's budget, happen in the entity, on the
 * runner that owns the portal's shard.
 *
 * @since 0.1.0
 */
import type * as Sharding from "@effect/cluster/Sharding"
import * as Singleton from "@effect/cluster/Singleton"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberMap from "effect/FiberMap"
import type * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as PortalEntity from "./PortalEntity.js"
import { PortalRegistry } from "./PortalRegistry.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Time between two rounds of one portal (default 30 s). */
  readonly interval?: Duration.DurationInput | undefined
  /** Give up waiting for one round's answer after this long and send it again (default 10 minutes). */
  readonly roundTimeout?: Duration.DurationInput | undefined
}

/**
 * One `SyncAll` of `portal`, sent again (1 s apart) until an answer comes: while the portal's shard moves, the
 * message finds no runner for a moment.
 *
 * @since 0.1.0
 * @category rounds
 */
export const syncPortal = (
  portal: string,
  options?: Options
): Effect.Effect<PortalEntity.SyncReport, PortalEntity.UnknownPortal, Sharding.Sharding> =>
  Effect.gen(function* () {
    const client = yield* PortalEntity.Portal.client
    return yield* client(portal)
      .SyncAll()
      .pipe(
        Effect.timeoutFail({
          duration: options?.roundTimeout ?? Duration.minutes(10),
          onTimeout: () => "timeout" as const
        }),
        Effect.tapError((error) =>
          Effect.logWarning(`round of ${portal} not answered; sending it again`).pipe(
            Effect.annotateLogs({ error: typeof error === "string" ? error : error._tag })
          )
        ),
        Effect.retry({
          while: (error) => typeof error === "string" || error._tag !== "UnknownPortal",
          schedule: Schedule.spaced(Duration.seconds(1))
        }),
        // retried until answered: only UnknownPortal gets here
        Effect.catchAll((error) =>
          typeof error !== "string" && error._tag === "UnknownPortal"
            ? Effect.fail(error)
            : Effect.dieMessage("a round was not answered")
        )
      )
  }).pipe(Effect.withSpan("Scheduler.syncPortal", { attributes: { portal } }))

/**
 * One round of every registered portal, all at once; the reports of the portals that answered.
 *
 * @since 0.1.0
 * @category rounds
 */
export const syncAll = (
  options?: Options
): Effect.Effect<ReadonlyArray<PortalEntity.SyncReport>, never, Sharding.Sharding | PortalRegistry> =>
  Effect.gen(function* () {
    const registry = yield* PortalRegistry
    const portals = yield* registry.list.pipe(Effect.orDie)
    const reports = yield* Effect.forEach(portals, (portal) => Effect.option(syncPortal(portal.portal, options)), {
      concurrency: "unbounded"
    })
    return reports.flatMap((report) => (report._tag === "Some" ? [report.value] : []))
  })

const loop = (options?: Options) =>
  Effect.gen(function* () {
    const registry = yield* PortalRegistry
    const loops = yield* FiberMap.make<string>()
    const interval = Duration.decode(options?.interval ?? Duration.seconds(30))
    const portalLoop = (portal: string) =>
      syncPortal(portal, options).pipe(
        Effect.tap((report) =>
          Effect.logDebug(`round of ${portal} done`).pipe(
            Effect.annotateLogs({ runner: report.runner, users: report.users.length })
          )
        ),
        Effect.zipRight(Effect.sleep(interval)),
        Effect.forever
      )
    yield* Effect.logInfo("scheduler started")
    while (true) {
      const portals = yield* registry.list.pipe(
        Effect.tapError((error) => Effect.logWarning(`registry not read: ${error.message}`)),
        Effect.orElseSucceed(() => [])
      )
      for (const portal of portals) {
        yield* FiberMap.run(loops, portal.portal, portalLoop(portal.portal), { onlyIfMissing: true })
      }
      yield* Effect.sleep(Duration.min(interval, Duration.seconds(5)))
    }
  })

/**
 * The scheduler as a cluster singleton.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<never, never, Sharding.Sharding | PortalRegistry> =>
  Singleton.make("im-recent/scheduler", loop(options))
