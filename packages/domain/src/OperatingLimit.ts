/**
 * The per-method resource ("operating") limit, as `limits.md` describes it since 2026-07.
 *
 * Each method's execution time is accumulated separately per webhook or OAuth application, in one-minute
 * buckets: a bucket starts with the first call counted in it (whole Unix seconds), takes every call of the next
 * 60 seconds, and drops out 600 seconds after it started, so at most ten are alive. `time.operating` is the sum of
 * the live buckets; `time.operating_reset_at` is when the oldest one drops out. The sum is checked before a call:
 * above the limit the call is refused with HTTP 429 `OPERATION_TIME_LIMIT`; the call that crosses the limit
 * still runs, and the method is available again once expiring buckets bring the sum back to the limit or
 * below. The cloud's limit is "set by Bitrix24 configuration" (480 s in the documentation's example); on-premise
 * portals have it off, or 420 s when switched on. Times are Unix seconds, as the `time` object carries them.
 *
 * @since 0.1.0
 */

/**
 * How long a bucket collects calls.
 *
 * @since 0.1.0
 * @category constants
 */
export const bucketSeconds = 60

/**
 * How long a bucket stays alive after its first call.
 *
 * @since 0.1.0
 * @category constants
 */
export const windowSeconds = 600

/**
 * The limit the documentation's worked example uses, in seconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultLimitSeconds = 480

/**
 * A bucket: when its first call came (whole Unix seconds) and the seconds counted in it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Bucket {
  readonly start: number
  readonly seconds: number
}

/**
 * The buckets of one method for one webhook or application, oldest first.
 *
 * @since 0.1.0
 * @category models
 */
export type Ledger = ReadonlyArray<Bucket>

/**
 * No calls counted.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: Ledger = []

/**
 * The buckets still alive at `now` (Unix seconds).
 *
 * @since 0.1.0
 * @category getters
 */
export const live = (self: Ledger, now: number): Ledger => {
  let first = 0
  while (first < self.length && self[first].start + windowSeconds <= now) first++
  return first === 0 ? self : self.slice(first)
}

/**
 * `time.operating`: the seconds accumulated in the live buckets.
 *
 * @since 0.1.0
 * @category getters
 */
export const total = (self: Ledger, now: number): number =>
  live(self, now).reduce((sum, bucket) => sum + bucket.seconds, 0)

/**
 * `time.operating_reset_at`: when the oldest live bucket drops out, or, with none alive, when a bucket started
 * now would (what a fresh method reports).
 *
 * @since 0.1.0
 * @category getters
 */
export const resetAt = (self: Ledger, now: number): number => {
  const alive = live(self, now)
  return (alive.length > 0 ? alive[0].start : Math.floor(now)) + windowSeconds
}

/**
 * Whether a call arriving at `now` is refused: the accumulated time is already above `limitSeconds`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isBlocked = (self: Ledger, now: number, limitSeconds: number): boolean => total(self, now) > limitSeconds

/**
 * Counts a call that started at `now` and took `seconds`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const record = (self: Ledger, now: number, seconds: number): Ledger => {
  const alive = live(self, now)
  const last = alive[alive.length - 1]
  if (last !== undefined && now < last.start + bucketSeconds) {
    return [...alive.slice(0, -1), { start: last.start, seconds: last.seconds + seconds }]
  }
  return [...alive, { start: Math.floor(now), seconds }]
}
