/**
 * The portal's request-rate limit: a leaky bucket counted per portal.
 *
 * Every REST request (`/rest/…`, whatever its credentials; a `batch` is one request; the OAuth server's
 * `/oauth/token/` is another server and is not counted) first drains the counter by `drainPerSecond × elapsed
 * seconds` since the previous request (never below 0). If one more request would lift it above `burst`, the
 * request is refused with HTTP 503 `QUERY_LIMIT_EXCEEDED` and the counter is left as it is; otherwise the counter
 * grows by one and the request is served. A client that runs the same bucket with the same settings is never
 * refused.
 *
 * The cloud's values (`limits.md`): `burst` 50 and `drainPerSecond` 2 on most plans, 250 and 5 on Enterprise.
 *
 * @since 0.1.0
 */

/**
 * `burst` is the documented `X` (the counter's ceiling), `drainPerSecond` the documented `Y`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  readonly burst: number
  readonly drainPerSecond: number
}

/**
 * 50 requests of burst, draining 2 per second: every plan except Enterprise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSettings: Settings = { burst: 50, drainPerSecond: 2 }

/**
 * The counter and when it was last updated (Unix seconds, fractional).
 *
 * @since 0.1.0
 * @category models
 */
export interface State {
  readonly counter: number
  readonly updatedAt: number
}

/**
 * An empty bucket.
 *
 * @since 0.1.0
 * @category constructors
 */
export const initial: State = { counter: 0, updatedAt: Number.NEGATIVE_INFINITY }

/**
 * One request arriving at `now` (Unix seconds): whether it is served, and the bucket afterwards.
 *
 * @since 0.1.0
 * @category combinators
 */
export const take = (self: State, now: number, settings: Settings): readonly [allowed: boolean, state: State] => {
  const elapsed = self.updatedAt === Number.NEGATIVE_INFINITY ? 0 : Math.max(0, now - self.updatedAt)
  const drained = Math.max(0, self.counter - settings.drainPerSecond * elapsed)
  return drained + 1 > settings.burst
    ? [false, { counter: drained, updatedAt: now }]
    : [true, { counter: drained + 1, updatedAt: now }]
}
