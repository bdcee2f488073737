/**
 * The retry schedule of Bitrix24 calls: one replaceable `Schedule`, applied to retryable errors only.
 *
 * What is retried is decided by the error (`Bitrix24Error.isRetryable`): `QUERY_LIMIT_EXCEEDED`,
 * `OPERATION_TIME_LIMIT` (after the method's reset time, see `OperatingBudget`), network errors,
 * timeouts, 5xx answers and bodies cut in transit. Authorization errors and other 4xx fail at once;
 * `OVERLOAD_LIMIT` is never retried. How often and how long to wait is this schedule: exponential
 * back-off with jitter, a cap on each delay and a bounded number of retries. A network error that no
 * retry can fix fails at once: a host name that does not resolve, a loopback port nothing listens on.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import { identity } from "effect/Function"
import * as Schedule from "effect/Schedule"
import type { Bitrix24Error } from "./Bitrix24Error.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The first delay (500 ms). */
  readonly base?: Duration.DurationInput | undefined
  /** The growth factor of each delay (2). */
  readonly factor?: number | undefined
  /** The longest single delay (30 s). */
  readonly cap?: Duration.DurationInput | undefined
  /** How many retries at most (5, so 6 attempts). */
  readonly times?: number | undefined
  /** Randomise each delay between 80 % and 120 % (on). */
  readonly jitter?: boolean | undefined
}

/**
 * A failed call the client is about to send again (`Bitrix24.Options.onRetry`): `attempt` is the number of the
 * attempt that failed (1 for the first).
 *
 * @since 0.1.0
 * @category models
 */
export interface Retry {
  readonly method: string
  readonly attempt: number
  readonly error: Bitrix24Error
}

/**
 * A retry schedule for any error type: pass it as `retry` to `Bitrix24.make`.
 *
 * @since 0.1.0
 * @category models
 */
export type RetrySchedule = Schedule.Schedule<unknown, unknown>

/**
 * Exponential back-off with jitter, capped, bounded.
 *
 * @since 0.1.0
 * @category constructors
 */
export const exponential = (options?: Options): RetrySchedule => {
  const cap = Duration.decode(options?.cap ?? Duration.seconds(30))
  return Schedule.exponential(options?.base ?? Duration.millis(500), options?.factor ?? 2).pipe(
    options?.jitter === false ? identity : Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, cap)),
    Schedule.intersect(Schedule.recurs(Math.max(0, Math.floor(options?.times ?? 5))))
  )
}

/**
 * The default: 500 ms, ×2, jittered, at most 30 s per delay, 5 retries.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultSchedule: RetrySchedule = exponential()

/**
 * Never retry.
 *
 * @since 0.1.0
 * @category constructors
 */
export const none: RetrySchedule = Schedule.stop
