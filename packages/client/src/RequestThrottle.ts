/**
 * Holds each request back until the portal's request-rate limit (`RateLimit` of `@im-recent/domain`) has room for it:
 * one leaky bucket per portal, shared by every client instance in the process.
 *
 * The client runs the server's arithmetic, conservatively for requests in flight: a request counts fully from the
 * moment it is admitted until its response arrives, and only then starts draining (the server counted it at some
 * instant in between). With instant responses this is exactly the server's schedule — `burst` calls at once, then one
 * every `1 / drainPerSecond` seconds — and with real latency it never sends a request the server would refuse,
 * whatever the latencies are. Waiting callers queue in order and sleep on the `Clock` (so `TestClock` drives them).
 *
 * @since 0.1.0
 */
import { RateLimit } from "@im-recent/domain"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { globalValue } from "effect/GlobalValue"
import * as Layer from "effect/Layer"

/**
 * What the bucket looks like right now.
 *
 * @since 0.1.0
 * @category models
 */
export interface BucketState {
  readonly settings: RateLimit.Settings
  /** The drained counter of completed requests at `now`. */
  readonly level: number
  /** Requests admitted and not answered yet. */
  readonly inFlight: number
  /** Callers waiting for a slot. */
  readonly waiting: number
}

/**
 * One portal's bucket.
 *
 * @since 0.1.0
 * @category models
 */
export interface Bucket {
  readonly key: string
  readonly settings: RateLimit.Settings
  /**
   * Runs `effect` (one HTTP request) once the portal's bucket has room for it; counts it until it
   * completes, whatever the outcome.
   */
  readonly withSlot: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Marks the bucket full (after a `QUERY_LIMIT_EXCEEDED`: someone else shares the portal's limit). */
  readonly saturate: Effect.Effect<void>
  readonly state: Effect.Effect<BucketState>
}

/**
 * Creates a bucket (outside any registry: two buckets never share state).
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsafeMakeBucket = (key: string, settings: RateLimit.Settings): Bucket => {
  /** The server's counter as far as completed requests tell. */
  let counted: RateLimit.Bucket = RateLimit.empty
  let inFlight = 0
  let waiting = 0
  const gate = Effect.unsafeMakeSemaphore(1)

  const admit: Effect.Effect<void> = Effect.gen(function* () {
    while (true) {
      const wait = RateLimit.waitMillis(counted, yield* Clock.currentTimeMillis, settings, inFlight)
      if (wait === 0) {
        inFlight += 1
        return
      }
      // The earliest instant the request can fit if everything in flight completed now; re-checked on waking.
      yield* Effect.sleep(wait)
    }
  })

  const queued = Effect.acquireUseRelease(
    Effect.sync(() => {
      waiting += 1
    }),
    () => gate.withPermits(1)(admit),
    () =>
      Effect.sync(() => {
        waiting -= 1
      })
  )

  const release = Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.sync(() => {
      counted = RateLimit.add(counted, now, settings)
      inFlight -= 1
    })
  )

  return {
    key,
    settings,
    withSlot: (effect) =>
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          // nobody queued and room now: admitted at once, without the queue's bookkeeping
          if (waiting === 0 && RateLimit.waitMillis(counted, now, settings, inFlight) === 0) {
            inFlight += 1
            return Effect.ensuring(restore(effect), release)
          }
          return Effect.zipRight(restore(queued), Effect.ensuring(restore(effect), release))
        })
      ),
    saturate: Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.sync(() => {
        counted = RateLimit.fill(counted, now, settings)
      })
    ),
    state: Effect.map(Clock.currentTimeMillis, (now) => ({
      settings,
      level: RateLimit.levelAt(counted, now, settings),
      inFlight,
      waiting
    }))
  }
}

/**
 * Where buckets live, one per key (the portal's origin).
 *
 * @since 0.1.0
 * @category models
 */
export interface Registry {
  /**
   * The bucket of `key`, created with `settings` on first use. The first caller's settings win: every
   * client of a portal shares one bucket.
   */
  readonly bucket: (key: string, settings: RateLimit.Settings) => Bucket
}

/**
 * A fresh registry.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRegistry = (): Registry => {
  const buckets = new Map<string, Bucket>()
  return {
    bucket: (key, settings) => {
      let bucket = buckets.get(key)
      if (bucket === undefined) {
        bucket = unsafeMakeBucket(key, settings)
        buckets.set(key, bucket)
      }
      return bucket
    }
  }
}

/**
 * The process-wide registry every client uses unless {@link BucketRegistry} is overridden.
 *
 * @since 0.1.0
 * @category registry
 */
export const globalRegistry: Registry = globalValue("@im-recent/client/RequestThrottle/globalRegistry", makeRegistry)

/**
 * The registry in use: {@link globalRegistry} by default; provide another (e.g. {@link layerIsolated})
 * to separate clients, in tests for instance.
 *
 * @since 0.1.0
 * @category registry
 */
export class BucketRegistry extends Context.Reference<BucketRegistry>()(
  "@im-recent/client/RequestThrottle/BucketRegistry",
  {
    defaultValue: (): Registry => globalRegistry
  }
) {}

/**
 * A private registry: clients built under it share buckets with each other only.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerIsolated: Layer.Layer<BucketRegistry> = Layer.sync(BucketRegistry, makeRegistry)
