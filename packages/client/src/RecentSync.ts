/**
 * Keeps a local snapshot of the recent list current, as Bitrix24's own clients do.
 *
 * The first sync loads the list in full (`im.recent.get`); later ones ask only for what changed
 * since the previous response's `time.date_start` (`LAST_SYNC_DATE`) and merge it by id in the
 * server's order (`RecentSnapshot`, `RecentOrder`). A delta cannot show hidden dialogs or chats the
 * user left, and the server clamps sync dates older than 7 days, so the list is reloaded in full when
 * the last sync is about to be older than that, when a delta may have come back clamped, and
 * periodically (`fullRefreshEvery`, 1 hour by default). A reload reports the ids that disappeared.
 *
 * "Too old for a delta" is judged on the portal's clock, never the local one: from the server time of
 * the delta's own response (`GetResult.serverTime`, `clampedSince`), and, to skip a delta that is
 * certainly too old, from the last response's server time plus the time elapsed since it arrived.
 *
 * A snapshot says whose list it is (portal, user) and with which filters; one that does not match
 * the service's own is reloaded in full (`mismatch`). With `ONLY_OPENLINES` every step is a full load:
 * the server ignores `LAST_SYNC_DATE` next to it, so a delta would bring the whole list anyway.
 *
 * `changes` ends at the first failed step; `changesRetrying` keeps going, trying a failed step again
 * after a back-off when time can fix what failed (`Bitrix24Error.isRetryableLater`).
 *
 * @since 0.1.0
 */
import { RecentGet, type RecentItem, RecentQuery, RecentSnapshot } from "@im-recent/domain"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Utils from "effect/Utils"
import { type Bitrix24Error, isRetryableLater as isBitrix24RetryableLater } from "./Bitrix24Error.js"
import { type GetResult, ImRecent } from "./ImRecent.js"
import * as SnapshotStore from "./SnapshotStore.js"

type Snapshot = SnapshotStore.Snapshot
type SnapshotStoreError = SnapshotStore.SnapshotStoreError

/**
 * The id of a recent item: a user id, or `"chatN"`.
 *
 * @since 0.1.0
 * @category models
 */
export type ItemId = RecentItem.RecentItem["id"]

/**
 * Why a sync step ran the way it did.
 *
 * - `initial`: no snapshot yet, full load;
 * - `mismatch`: the stored snapshot is another list (another portal or user, other filters, or saved before
 *   snapshots said whose they are): full load, compared with nothing (`Change.mismatched` says what differed);
 * - `stale`: the last sync date is too old for a delta on the portal's clock (or the server may have clamped it), full
 *   reload;
 * - `periodic`: `fullRefreshEvery` elapsed since the last full load, full reload;
 * - `no-delta`: the filters leave no delta to ask for (`ONLY_OPENLINES`: the server ignores `LAST_SYNC_DATE` next to
 *   it), so every step reloads in full;
 * - `forced`: `refresh` was called, full reload;
 * - `delta`: only the changes since the last sync, merged.
 *
 * @since 0.1.0
 * @category models
 */
export type Reason = "initial" | "mismatch" | "stale" | "periodic" | "no-delta" | "forced" | "delta"

/**
 * What a stored snapshot can differ in from the service's own list: the portal, the user, the filters.
 *
 * @since 0.1.0
 * @category models
 */
export type Mismatch = "portal" | "user" | "params"

/**
 * One sync step's result: the new snapshot and what changed in it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Change {
  readonly kind: "full" | "delta"
  readonly reason: Reason
  readonly snapshot: Snapshot
  /** Ids that were not in the previous snapshot. */
  readonly added: ReadonlyArray<ItemId>
  /** Ids whose item differs from the previous snapshot's. */
  readonly updated: ReadonlyArray<ItemId>
  /** Ids gone from the list (full reloads only: a delta cannot see removals). */
  readonly removed: ReadonlyArray<ItemId>
  /** With reason `mismatch`: what the stored snapshot differed in (all three for a snapshot that did not say). */
  readonly mismatched?: ReadonlyArray<Mismatch> | undefined
}

/**
 * What a sync step can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type StepError = Bitrix24Error | SnapshotStoreError

/**
 * A failed step about to be tried again (`RetryOptions.onRetry`): `attempt` counts the failures of this step (1 for
 * the first), `delay` is the wait before the next try.
 *
 * @since 0.1.0
 * @category models
 */
export interface StepRetry {
  readonly error: StepError
  readonly attempt: number
  readonly delay: Duration.Duration
}

/**
 * How a long-running loop keeps going after a failed step (`changesRetrying`, {@link retrying}).
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryOptions {
  /**
   * When to try a failed step again (its input is the error). Default {@link backoff}: the interval, then twice as
   * long each time, at most 5 minutes, for as long as it takes. It starts over after a successful step.
   */
  readonly schedule?: Schedule.Schedule<unknown, StepError> | undefined
  /** Which failures to try again (default {@link isRetryableLater}); the others end the loop. */
  readonly while?: ((error: StepError) => boolean) | undefined
  /** Runs before each wait, e.g. to log the failure or tell a user when the next try is. */
  readonly onRetry?: ((retry: StepRetry) => Effect.Effect<void>) | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Filters sent with every request (`SKIP_OPENLINES`, …). */
  readonly params?: Omit<RecentGet.Params, "LAST_SYNC_DATE" | "LAST_UPDATE"> | undefined
  /** Time between two steps of `changes` (default 30 s). */
  readonly interval?: Duration.DurationInput | undefined
  /** Reload in full after this long (default 1 hour): deltas cannot see hidden dialogs. */
  readonly fullRefreshEvery?: Duration.DurationInput | undefined
  /**
   * The oldest sync date a delta may use, on the portal's clock (default 7 days minus 2 hours 10
   * minutes: the server clamps at 7 calendar days of its own zone, 2 hours less at most across a
   * daylight saving switch).
   */
  readonly maxDeltaAge?: Duration.DurationInput | undefined
}

/**
 * The default `maxDeltaAge`: the server's 7 calendar days (`RecentQuery.MAX_SYNC_DAYS`) less the largest shift of a
 * zone's offset within them (`RecentQuery.ZONE_SHIFT_MARGIN_MILLIS`) and 10 minutes of slack: 7 days less 2 h 10 min.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxDeltaAge: Duration.Duration = Duration.days(RecentQuery.MAX_SYNC_DAYS).pipe(
  Duration.subtract(Duration.millis(RecentQuery.ZONE_SHIFT_MARGIN_MILLIS)),
  Duration.subtract(Duration.minutes(10))
)

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** One step: a full load or a delta, whichever is due. Steps never overlap. */
  readonly sync: Effect.Effect<Change, StepError>
  /** A full reload now. */
  readonly refresh: Effect.Effect<Change, StepError>
  /** A step now, then one every `interval`; the stream fails (and ends) with the first failed step. */
  readonly changes: Stream.Stream<Change, StepError>
  /**
   * `changes` for a loop that keeps going: a failed step that time can fix (a portal restarting, the network, the
   * rate limit) is tried again after a back-off, with `onRetry` told first; it fails only with what {@link RetryOptions}
   * does not try again (refused credentials, invalid parameters, …).
   */
  readonly changesRetrying: (options?: RetryOptions) => Stream.Stream<Change, StepError>
  /** The stored snapshot. */
  readonly current: Effect.Effect<Option.Option<Snapshot>, SnapshotStoreError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class RecentSync extends Context.Tag("@im-recent/client/RecentSync")<RecentSync, Service>() {}

const same = (a: RecentItem.RecentItem, b: RecentItem.RecentItem): boolean =>
  Utils.structuralRegion(() => Equal.equals(a, b))

const diff = (
  previous: ReadonlyArray<RecentItem.RecentItem>,
  incoming: ReadonlyArray<RecentItem.RecentItem>,
  full: boolean
): Pick<Change, "added" | "updated" | "removed"> => {
  const before = new Map<ItemId, RecentItem.RecentItem>(previous.map((item) => [item.id, item]))
  const added: Array<ItemId> = []
  const updated: Array<ItemId> = []
  const incomingIds = new Set<ItemId>()
  for (const item of incoming) {
    if (incomingIds.has(item.id)) continue
    incomingIds.add(item.id)
    const old = before.get(item.id)
    if (old === undefined) added.push(item.id)
    else if (!same(old, item)) updated.push(item.id)
  }
  const removed = full ? previous.map((item) => item.id).filter((id) => !incomingIds.has(id)) : []
  return { added, updated, removed }
}

/**
 * The default of `RetryOptions.while`: `Bitrix24Error.isRetryableLater` (a portal restarting, the network, the rate
 * limit, server errors; not refused credentials nor invalid calls). A `SnapshotStoreError` ends the loop: pass your
 * own `while` to try those again too.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryableLater = (error: StepError): boolean =>
  error._tag !== "SnapshotStoreError" && isBitrix24RetryableLater(error)

/**
 * The default back-off of a loop: `base` (default 1 second; `changesRetrying` uses the interval), then twice as long
 * after each failure, at most `max` (default 5 minutes; `base` when longer), with no end. Many clients of one portal
 * may add `Schedule.jittered`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const backoff = (
  base: Duration.DurationInput = Duration.seconds(1),
  max: Duration.DurationInput = Duration.minutes(5)
): Schedule.Schedule<Duration.Duration> => {
  const first = Duration.decode(base)
  const cap = Duration.max(first, Duration.decode(max))
  return Schedule.exponential(first, 2).pipe(Schedule.modifyDelay((_, delay) => Duration.min(delay, cap)))
}

/**
 * A step that keeps going: when it fails with what `options.while` tries again, `options.onRetry` is told, and it
 * runs again after the schedule's delay, until it succeeds or fails with something else (or the schedule ends).
 *
 * @since 0.1.0
 * @category combinators
 */
export const retrying =
  (options?: RetryOptions) =>
  <R>(step: Effect.Effect<Change, StepError, R>): Effect.Effect<Change, StepError, R> =>
    Effect.gen(function* () {
      const schedule = options?.schedule ?? backoff()
      const keep = options?.while ?? isRetryableLater
      let state = schedule.initial
      let attempt = 0
      while (true) {
        const outcome = yield* Effect.either(step)
        if (Either.isRight(outcome)) return outcome.right
        const error = outcome.left
        if (!keep(error)) return yield* Effect.fail(error)
        const now = yield* Clock.currentTimeMillis
        const [next, , decision] = yield* schedule.step(now, error, state)
        if (ScheduleDecision.isDone(decision)) return yield* Effect.fail(error)
        state = next
        const delay = Duration.millis(Math.max(0, ScheduleIntervals.start(decision.intervals) - now))
        attempt += 1
        if (options?.onRetry !== undefined) yield* options.onRetry({ error, attempt, delay })
        yield* Effect.sleep(delay)
      }
    })

/** The filters on the wire, only the flags that are on: what a snapshot records and is compared by. */
const wireParams = (params: Omit<RecentGet.Params, "LAST_SYNC_DATE" | "LAST_UPDATE">): Record<string, string> => {
  const encoded = Schema.encodeSync(RecentGet.Params)(params) as Record<string, string | undefined>
  return Object.fromEntries(
    Object.entries(encoded).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "N")
  )
}

const sameParams = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean => {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key])
}

/**
 * Builds the service on `ImRecent` and a `SnapshotStore`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<Service, never, ImRecent | SnapshotStore.SnapshotStore> =>
  Effect.gen(function* () {
    const recent = yield* ImRecent
    const store = yield* SnapshotStore.SnapshotStore
    const params = options?.params ?? {}
    const owner = { portal: recent.owner.portal, user: recent.owner.user, params: wireParams(params) }
    /** What a stored snapshot differs in from this service's list. */
    const mismatchOf = (snapshot: Snapshot): ReadonlyArray<Mismatch> => [
      ...(snapshot.portal === owner.portal ? [] : ["portal" as const]),
      ...(snapshot.user === owner.user ? [] : ["user" as const]),
      ...(snapshot.params !== undefined && sameParams(snapshot.params, owner.params) ? [] : ["params" as const])
    ]
    // the server ignores LAST_SYNC_DATE next to ONLY_OPENLINES: a delta would be the whole list
    const deltas = params.ONLY_OPENLINES !== true
    const interval = Duration.decode(options?.interval ?? Duration.seconds(30))
    const fullEvery = Duration.toMillis(options?.fullRefreshEvery ?? Duration.hours(1))
    const maxDeltaAge = Duration.toMillis(options?.maxDeltaAge ?? defaultMaxDeltaAge)
    const lock = yield* Effect.makeSemaphore(1)
    /** The server time of the last response and the local time it arrived at: elapsed time, not the local date, counts. */
    const lastAnswer = yield* Ref.make(Option.none<{ readonly server: number; readonly local: number }>())
    const observe = (result: GetResult) =>
      Effect.flatMap(Clock.currentTimeMillis, (local) =>
        Ref.set(lastAnswer, Option.some({ server: result.serverTime.epochMillis, local }))
      )
    const tooOld = (syncDate: DateTime.DateTime, serverNow: number): boolean =>
      serverNow - syncDate.epochMillis > maxDeltaAge

    const full = (previous: Option.Option<Snapshot>, reason: Reason, mismatched?: ReadonlyArray<Mismatch>) =>
      Effect.gen(function* () {
        const result: GetResult = yield* recent.get(params)
        yield* observe(result)
        const fullAt = yield* DateTime.now
        const next = RecentSnapshot.fromResponse({ result: result.items, time: result.time })
        const snapshot: Snapshot = { ...owner, items: next.items, syncDate: next.syncDate, fullAt }
        yield* store.save(snapshot)
        const previousItems = Option.match(previous, { onNone: () => [], onSome: (s) => s.items })
        return {
          kind: "full",
          reason,
          snapshot,
          ...diff(previousItems, result.items, true),
          ...(mismatched === undefined ? {} : { mismatched })
        } satisfies Change
      })

    const delta = (previous: Snapshot) =>
      Effect.gen(function* () {
        const result = yield* recent.get({ ...params, LAST_SYNC_DATE: previous.syncDate })
        yield* observe(result)
        if (Option.isSome(result.clampedSince) || tooOld(previous.syncDate, result.serverTime.epochMillis)) {
          return yield* full(Option.some(previous), "stale")
        }
        const next = RecentSnapshot.applyDelta(
          { items: previous.items, syncDate: previous.syncDate },
          { result: result.items, time: result.time }
        )
        const snapshot: Snapshot = { ...owner, items: next.items, syncDate: next.syncDate, fullAt: previous.fullAt }
        yield* store.save(snapshot)
        return {
          kind: "delta",
          reason: "delta",
          snapshot,
          ...diff(previous.items, result.items, false)
        } satisfies Change
      })

    const step = (force: boolean): Effect.Effect<Change, StepError> =>
      lock.withPermits(1)(
        Effect.gen(function* () {
          const stored = yield* store.load
          const mismatched = Option.map(stored, mismatchOf)
          // another list is no "previous" list: nothing to compare with
          const previous = Option.filter(stored, () => Option.getOrElse(mismatched, () => []).length === 0)
          if (Option.isSome(mismatched) && mismatched.value.length > 0) {
            return yield* full(Option.none(), "mismatch", mismatched.value)
          }
          if (force) return yield* full(previous, "forced")
          if (Option.isNone(previous)) return yield* full(previous, "initial")
          if (!deltas) return yield* full(previous, "no-delta")
          const now = yield* Clock.currentTimeMillis
          const serverNow = Option.map(yield* Ref.get(lastAnswer), (last) => last.server + (now - last.local))
          if (Option.isSome(serverNow) && tooOld(previous.value.syncDate, serverNow.value)) {
            return yield* full(previous, "stale")
          }
          if (now - previous.value.fullAt.epochMillis >= fullEvery) return yield* full(previous, "periodic")
          return yield* delta(previous.value)
        })
      )

    const sync = step(false).pipe(Effect.withSpan("RecentSync.sync"))
    const refresh = step(true).pipe(Effect.withSpan("RecentSync.refresh"))

    return RecentSync.of({
      sync,
      refresh,
      changes: Stream.repeatEffectWithSchedule(sync, Schedule.spaced(interval)),
      changesRetrying: (retry) =>
        Stream.repeatEffectWithSchedule(
          retrying({ ...retry, schedule: retry?.schedule ?? backoff(interval) })(sync),
          Schedule.spaced(interval)
        ),
      current: store.load
    })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<RecentSync, never, ImRecent | SnapshotStore.SnapshotStore> =>
  Layer.effect(RecentSync, make(options))

/**
 * The sync service with an in-memory snapshot store.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (options?: Options): Layer.Layer<RecentSync, never, ImRecent> =>
  Layer.provide(layer(options), SnapshotStore.layerMemory())
