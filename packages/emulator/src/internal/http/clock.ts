/**
 * The emulator's time source: the `Clock` of the context the emulator is built in (the system clock in
 * production, `TestClock` inside `it.effect`), optionally shifted so that it reads `startAt` at build time and
 * runs on from there.
 *
 * @internal
 */
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

/** @internal */
export interface EmulatorClock {
  /** Unix time in nanoseconds. */
  readonly nanos: Effect.Effect<bigint>
  readonly sleep: (millis: number) => Effect.Effect<void>
}

/** @internal */
export const make = (startAtMillis: number | undefined): Effect.Effect<EmulatorClock> =>
  Effect.map(Effect.clock, (clock: Clock.Clock) => {
    const offset =
      startAtMillis === undefined ? 0n : BigInt(Math.round(startAtMillis)) * 1_000_000n - clock.unsafeCurrentTimeNanos()
    return {
      nanos: Effect.sync(() => clock.unsafeCurrentTimeNanos() + offset),
      sleep: (millis) => clock.sleep(Duration.millis(millis))
    }
  })

/** Unix seconds with microseconds, as `time.start` carries them. @internal */
export const toSeconds = (nanos: bigint): number => Number(nanos / 1_000n) / 1e6

/** Milliseconds since the epoch. @internal */
export const toMillis = (nanos: bigint): number => Number(nanos / 1_000_000n)
