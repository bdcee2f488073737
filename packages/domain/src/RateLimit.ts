/**
 * The portal's request-rate limit: a leaky bucket counted per portal (and source IP).
 *
 * Every REST request (a `batch` is one request; the OAuth server is another server and is not counted) first drains
 * the counter by `drainPerSecond × elapsed seconds` since the previous request, never below 0. If one more request
 * would lift it above `burst`, the request is refused with HTTP 503 `QUERY_LIMIT_EXCEEDED` and the counter stays as
 * drained; otherwise the counter grows by one and the request is served. From an idle bucket `burst` requests pass at
 * once, then one every `1 / drainPerSecond` seconds.
 *
 * The cloud's values (`limits.md`, its `X` and `Y`): `burst` 50 and `drainPerSecond` 2 on most plans, 250 and 5 on
 * Enterprise; on-premise portals set their own. Times are epoch milliseconds.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * `burst` is the documented `X` (the counter's ceiling: how many requests pass at once from an idle bucket),
 * `drainPerSecond` the documented `Y`.
 *
 * @since 0.1.0
 * @category models
 */
export const Settings = Schema.Struct({
  burst: Schema.Int.pipe(Schema.positive()),
  drainPerSecond: Schema.Number.pipe(Schema.positive(), Schema.finite())
}).annotations({ identifier: "RateLimitSettings" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Settings extends Schema.Schema.Type<typeof Settings> {}

/**
 * Most plans: 50 requests at once, then 2 per second.
 *
 * @since 0.1.0
 * @category presets
 */
export const standard: Settings = { burst: 50, drainPerSecond: 2 }

/**
 * Enterprise plans: 250 requests at once, then 5 per second.
 *
 * @since 0.1.0
 * @category presets
 */
export const enterprise: Settings = { burst: 250, drainPerSecond: 5 }

/**
 * Settings of a custom limit (on-premise portals set their own). Throws a `RangeError` unless `burst` is a positive
 * integer and `drainPerSecond` a positive finite number.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (burst: number, drainPerSecond: number): Settings => {
  if (!Number.isInteger(burst) || burst < 1) {
    throw new RangeError(`RateLimit.make: burst must be a positive integer, got ${burst}`)
  }
  if (!Number.isFinite(drainPerSecond) || drainPerSecond <= 0) {
    throw new RangeError(`RateLimit.make: drainPerSecond must be a positive finite number, got ${drainPerSecond}`)
  }
  return { burst, drainPerSecond }
}

/**
 * The counter and when it last changed (epoch milliseconds).
 *
 * @since 0.1.0
 * @category models
 */
export interface Bucket {
  readonly level: number
  readonly updatedAt: number
}

/**
 * An idle bucket.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: Bucket = { level: 0, updatedAt: Number.NEGATIVE_INFINITY }

/**
 * Drained counters are floating-point: one that should sit exactly at `burst - 1` may land a hair above it, and the
 * request would be refused by a rounding error. Both sides of the wire use this one tolerance.
 */
const EPSILON = 1e-9

/**
 * The counter at `now`, drained since the last change (a clock that went back drains nothing).
 *
 * @since 0.1.0
 * @category getters
 */
export const levelAt = (self: Bucket, now: number, settings: Settings): number =>
  self.level === 0 ? 0 : Math.max(0, self.level - (settings.drainPerSecond * Math.max(0, now - self.updatedAt)) / 1000)

/**
 * The server's check of one request arriving at `now`: whether it is served, and the bucket afterwards.
 *
 * @since 0.1.0
 * @category combinators
 */
export const take = (self: Bucket, now: number, settings: Settings): readonly [accepted: boolean, bucket: Bucket] => {
  const level = levelAt(self, now, settings)
  return level + 1 > settings.burst + EPSILON
    ? [false, { level, updatedAt: now }]
    : [true, { level: level + 1, updatedAt: now }]
}

/**
 * Counts one request at `now` without the check (one the server is known to have counted).
 *
 * @since 0.1.0
 * @category combinators
 */
export const add = (self: Bucket, now: number, settings: Settings): Bucket => ({
  level: levelAt(self, now, settings) + 1,
  updatedAt: now
})

/**
 * The bucket at least full at `now`: what the server's counter must be after it refused a request.
 *
 * @since 0.1.0
 * @category combinators
 */
export const fill = (self: Bucket, now: number, settings: Settings): Bucket => ({
  level: Math.max(levelAt(self, now, settings), settings.burst),
  updatedAt: now
})

/**
 * How long from `now` (milliseconds, whole and at least 1; 0 when it fits now) until one more request fits with
 * `pending` requests on top of the counter (sent but not counted yet), if nothing else arrives.
 *
 * @since 0.1.0
 * @category getters
 */
export const waitMillis = (self: Bucket, now: number, settings: Settings, pending = 0): number => {
  const excess = levelAt(self, now, settings) + pending + 1 - settings.burst
  return excess <= EPSILON ? 0 : Math.max(1, Math.ceil((excess / settings.drainPerSecond) * 1000 - 1e-6))
}
