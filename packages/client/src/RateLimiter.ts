/**
 * The portal's request-rate limit, mirrored on the client: one leaky bucket per portal, shared by
 * every client instance in the process.
 *
 * The server keeps a counter per portal (and source IP). On each request it first drains the counter
 * by `drainPerSecond × elapsed seconds` (not below 0); if `counter + 1 > capacity` the request is
 * refused with HTTP 503 `QUERY_LIMIT_EXCEEDED` and the counter is left as it is, otherwise the counter
 * goes up by one. From an idle bucket `capacity` requests pass at once, then one every
 * `1 / drainPerSecond` seconds.
 *
 * The client runs the same arithmetic, conservatively for requests in flight: a request counts fully
 * from the moment it is admitted until its response arrives, and only then starts draining (the
 * server counted it at some instant in between). With instant responses this is exactly the
 * server's schedule — a burst of `capacity` calls, then one every `1 / drainPerSecond` — and with
 * real latency it never sends a request the server would refuse, whatever the latencies are.
 * Waiting callers queue in order and sleep on the `Clock` (so `TestClock` drives them).
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { globalValue } from "effect/GlobalValue"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

/**
 * Burst capacity X and drain rate Y (requests per second).
 *
 * @since 0.1.0
 * @category models
 */
export const Params = Schema.Struct({
  capacity: Schema.Int.pipe(Schema.positive()),
  drainPerSecond: Schema.Number.pipe(Schema.positive(), Schema.finite())
}).annotations({ identifier: "RateLimiterParams" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Params extends Schema.Schema.Type<typeof Params> {}

/**
 * Most plans: 50 requests at once, then 2 per second.
 *
 * @since 0.1.0
 * @category presets
 */
export const standard: Params = { capacity: 50, drainPerSecond: 2 }

/**
 * Enterprise plans: 250 requests at once, then 5 per second.
 *
 * @since 0.1.0
 * @category presets
 */
export const enterprise: Params = { capacity: 250, drainPerSecond: 5 }

/**
 * A custom limit (on-premise portals set their own). Throws a `RangeError` unless `capacity` is a
 * positive integer and `drainPerSecond` a positive finite number.
 *
 * @since 0.1.0
 * @category presets
 */
export const custom = (capacity: number, drainPerSecond: number): Params => {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`RateLimiter.custom: capacity must be a positive integer, got ${capacity}`)
  }
  if (!Number.isFinite(drainPerSecond) || drainPerSecond <= 0) {
    throw new RangeError(`RateLimiter.custom: drainPerSecond must be a positive number, got ${drainPerSecond}`)
  }
  return { capacity, drainPerSecond }
}

/**
 * The named presets.
 *
 * @since 0.1.0
 * @category presets
 */
export const presets = { standard, enterprise } as const

/**
 * What the bucket looks like right now.
 *
 * @since 0.1.0
 * @category models
 */
export interface BucketState {
  readonly params: Params
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
  readonly params: Params
  /**
   * Runs `effect` (one HTTP request) once the portal's bucket has room for it; counts it until it
   * completes, whatever the outcome.
   */
  readonly withSlot: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Marks the bucket full (after a `QUERY_LIMIT_EXCEEDED`: someone else shares the portal's limit). */
  readonly saturate: Effect.Effect<void>
  readonly state: Effect.Effect<BucketState>
}

const EPSILON = 1e-9

/**
 * The server's check, as a pure function: drains `level` over `elapsedMillis` and says whether one
 * more request fits and what the counter becomes.
 *
 * @since 0.1.0
 * @category algorithm
 */
export const serverStep = (
  params: Params,
  level: number,
  elapsedMillis: number
): { readonly accepted: boolean; readonly level: number } => {
  const drained = Math.max(0, level - (params.drainPerSecond * elapsedMillis) / 1000)
  return drained + 1 > params.capacity + EPSILON
    ? { accepted: false, level: drained }
    : { accepted: true, level: drained + 1 }
}

/**
 * Creates a bucket (outside any registry: two buckets never share state).
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsafeMakeBucket = (key: string, params: Params): Bucket => {
  let level = 0
  let last = 0
  let inFlight = 0
  let waiting = 0
  const gate = Effect.unsafeMakeSemaphore(1)

  const drained = (now: number): number => Math.max(0, level - (params.drainPerSecond * (now - last)) / 1000)

  const admit: Effect.Effect<void> = Effect.gen(function* () {
    while (true) {
      const now = yield* Clock.currentTimeMillis
      const excess = drained(now) + inFlight + 1 - params.capacity
      if (excess <= EPSILON) {
        inFlight += 1
        return
      }
      // The earliest instant the request can fit if everything in flight completed now; re-checked on waking.
      yield* Effect.sleep(Math.max(1, Math.ceil((excess / params.drainPerSecond) * 1000 - 1e-6)))
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
      level = drained(now) + 1
      last = now
      inFlight -= 1
    })
  )

  return {
    key,
    params,
    withSlot: (effect) =>
      Effect.uninterruptibleMask((restore) =>
        Effect.zipRight(restore(queued), Effect.ensuring(restore(effect), release))
      ),
    saturate: Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.sync(() => {
        level = Math.max(drained(now), params.capacity)
        last = now
      })
    ),
    state: Effect.map(Clock.currentTimeMillis, (now) => ({ params, level: drained(now), inFlight, waiting }))
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
   * The bucket of `key`, created with `params` on first use. The first caller's params win: every
   * client of a portal shares one bucket.
   */
  readonly bucket: (key: string, params: Params) => Bucket
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
    bucket: (key, params) => {
      let bucket = buckets.get(key)
      if (bucket === undefined) {
        bucket = unsafeMakeBucket(key, params)
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
export const globalRegistry: Registry = globalValue("@im-recent/client/RateLimiter/globalRegistry", makeRegistry)

/**
 * The registry in use: {@link globalRegistry} by default; provide another (e.g. {@link layerIsolated})
 * to separate clients, in tests for instance.
 *
 * @since 0.1.0
 * @category registry
 */
export class BucketRegistry extends Context.Reference<BucketRegistry>()(
  "@im-recent/client/RateLimiter/BucketRegistry",
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
