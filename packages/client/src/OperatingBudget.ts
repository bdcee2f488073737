/**
 * The per-method operating-time budget (`time.operating`, `time.operating_reset_at`), kept on the client.
 *
 * Bitrix24 sums the execution time of each method per application or webhook over ten one-minute
 * buckets (`OperatingLimit` of `@im-recent/domain`). `time.operating` is that ACCUMULATED total (seconds, not the
 * duration of one request) and `time.operating_reset_at` the Unix time when the oldest bucket expires. When the
 * total is over the limit (480 s in the docs' example) the next call of that method gets HTTP 429
 * `OPERATION_TIME_LIMIT` until enough buckets expire.
 *
 * The tracker records both fields from every successful response and pauses a method once its total
 * reaches `threshold × limit`, until `operating_reset_at` (translated to the local clock with the skew
 * measured on that response). After a 429 the method waits until the last known reset time, or a
 * bounded fallback when none is known. Responses without the fields (self-hosted portals with the
 * limit off) leave the method unrestricted.
 *
 * @since 0.1.0
 */
import { OperatingLimit } from "@im-recent/domain"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { globalValue } from "effect/GlobalValue"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"

/**
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  /** The budget per method over the window (480 s unless the portal says otherwise). */
  readonly limit: Duration.Duration
  /** Pause a method once its accumulated time reaches `threshold × limit` (0 < threshold ≤ 1). */
  readonly threshold: number
  /** How long to pause when the reset time is unknown. */
  readonly fallbackWait: Duration.Duration
  /** Never pause longer than this (guards against a skewed or absurd reset time; default: the 10-minute window). */
  readonly maxWait: Duration.Duration
}

/**
 * 480 s (`OperatingLimit.defaultLimitSeconds`), pause at 90 %, 60 s fallback, at most the 10-minute window
 * (`OperatingLimit.windowSeconds`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultSettings: Settings = {
  limit: Duration.seconds(OperatingLimit.defaultLimitSeconds),
  threshold: 0.9,
  fallbackWait: Duration.seconds(60),
  maxWait: Duration.seconds(OperatingLimit.windowSeconds)
}

/**
 * Settings from partial options.
 *
 * @since 0.1.0
 * @category constructors
 */
export const settings = (options?: {
  readonly limit?: Duration.DurationInput | undefined
  readonly threshold?: number | undefined
  readonly fallbackWait?: Duration.DurationInput | undefined
  readonly maxWait?: Duration.DurationInput | undefined
}): Settings => ({
  limit: options?.limit === undefined ? defaultSettings.limit : Duration.decode(options.limit),
  threshold:
    options?.threshold === undefined ? defaultSettings.threshold : Math.min(1, Math.max(0.01, options.threshold)),
  fallbackWait:
    options?.fallbackWait === undefined ? defaultSettings.fallbackWait : Duration.decode(options.fallbackWait),
  maxWait: options?.maxWait === undefined ? defaultSettings.maxWait : Duration.decode(options.maxWait)
})

/**
 * What is known about one method.
 *
 * @since 0.1.0
 * @category models
 */
export interface MethodBudget {
  /** The accumulated seconds the last response reported. */
  readonly operating: number
  /** When the oldest bucket expires, on the local clock. */
  readonly resetAt: Option.Option<DateTime.Utc>
  /** The method is paused until then. */
  readonly pausedUntil: Option.Option<DateTime.Utc>
}

/**
 * One application's (or webhook's) budgets on one portal.
 *
 * @since 0.1.0
 * @category models
 */
export interface Tracker {
  readonly settings: Settings
  /** Waits while `method` is paused. */
  readonly gate: (method: string) => Effect.Effect<void>
  /** Records the `time` object of a response (any shape; missing fields are ignored). */
  readonly record: (method: string, time: unknown) => Effect.Effect<void>
  /** The last known reset time of `method`, if still ahead. */
  readonly resetAt: (method: string) => Effect.Effect<Option.Option<DateTime.Utc>>
  /** Pauses `method` after an `OPERATION_TIME_LIMIT`; returns until when. */
  readonly block: (method: string) => Effect.Effect<DateTime.Utc>
  readonly budget: (method: string) => Effect.Effect<Option.Option<MethodBudget>>
}

interface Entry {
  operating: number
  resetAt: number | undefined
  pausedUntil: number | undefined
}

/**
 * A tracker with its own state.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTracker = (settings: Settings = defaultSettings): Tracker => {
  const entries = new Map<string, Entry>()
  const limitSeconds = Duration.toSeconds(settings.limit)
  const fallback = Duration.toMillis(settings.fallbackWait)
  const maxWait = Duration.toMillis(settings.maxWait)
  const entry = (method: string): Entry => {
    let e = entries.get(method)
    if (e === undefined) {
      e = { operating: 0, resetAt: undefined, pausedUntil: undefined }
      entries.set(method, e)
    }
    return e
  }
  const toUtc = (millis: number | undefined) =>
    millis === undefined ? Option.none() : Option.some(DateTime.unsafeMake(millis))

  const gate = (method: string): Effect.Effect<void> =>
    Effect.gen(function* () {
      let logged = false
      while (true) {
        const now = yield* Clock.currentTimeMillis
        const until = entries.get(method)?.pausedUntil
        if (until === undefined || until <= now) return
        if (!logged) {
          logged = true
          yield* Effect.logInfo(`${method} paused by its operating-time budget`).pipe(
            Effect.annotateLogs({ method, until: new Date(until).toISOString() })
          )
        }
        yield* Effect.sleep(until - now)
      }
    })

  const record = (method: string, time: unknown): Effect.Effect<void> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.sync(() => {
        if (!Predicate.isRecord(time) || typeof time.operating !== "number" || !Number.isFinite(time.operating)) return
        const serverNow =
          typeof time.finish === "number" ? time.finish : typeof time.start === "number" ? time.start : undefined
        const skew = serverNow === undefined ? 0 : now - serverNow * 1000
        const e = entry(method)
        e.operating = time.operating
        e.resetAt =
          typeof time.operating_reset_at === "number" && Number.isFinite(time.operating_reset_at)
            ? time.operating_reset_at * 1000 + skew
            : undefined
        if (time.operating >= settings.threshold * limitSeconds) {
          const until = e.resetAt !== undefined && e.resetAt > now ? e.resetAt : now + fallback
          e.pausedUntil = Math.min(until, now + maxWait)
        } else {
          e.pausedUntil = undefined
        }
      })
    )

  return {
    settings,
    gate,
    record,
    resetAt: (method) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const resetAt = entries.get(method)?.resetAt
        return resetAt !== undefined && resetAt > now ? toUtc(resetAt) : Option.none()
      }),
    block: (method) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          const e = entry(method)
          const until = Math.min(e.resetAt !== undefined && e.resetAt > now ? e.resetAt : now + fallback, now + maxWait)
          e.pausedUntil = Math.max(e.pausedUntil ?? 0, until)
          return DateTime.unsafeMake(e.pausedUntil)
        })
      ),
    budget: (method) =>
      Effect.sync(() => {
        const e = entries.get(method)
        return e === undefined
          ? Option.none()
          : Option.some({ operating: e.operating, resetAt: toUtc(e.resetAt), pausedUntil: toUtc(e.pausedUntil) })
      })
  }
}

/**
 * Trackers keyed by portal and caller (`<portal> webhook:<userId>` or `<portal> oauth:<clientId>`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Registry {
  /** The tracker of `key`, created with `settings` on first use. */
  readonly tracker: (key: string, settings: Settings) => Tracker
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeRegistry = (): Registry => {
  const trackers = new Map<string, Tracker>()
  return {
    tracker: (key, settings) => {
      let tracker = trackers.get(key)
      if (tracker === undefined) {
        tracker = makeTracker(settings)
        trackers.set(key, tracker)
      }
      return tracker
    }
  }
}

/**
 * The process-wide registry.
 *
 * @since 0.1.0
 * @category registry
 */
export const globalRegistry: Registry = globalValue("@im-recent/client/OperatingBudget/globalRegistry", makeRegistry)

/**
 * The registry in use: {@link globalRegistry} unless overridden.
 *
 * @since 0.1.0
 * @category registry
 */
export class TrackerRegistry extends Context.Reference<TrackerRegistry>()(
  "@im-recent/client/OperatingBudget/TrackerRegistry",
  { defaultValue: (): Registry => globalRegistry }
) {}

/**
 * A private registry.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerIsolated: Layer.Layer<TrackerRegistry> = Layer.sync(TrackerRegistry, makeRegistry)
