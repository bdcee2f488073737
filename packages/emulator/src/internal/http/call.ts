/**
 * The resolved emulator (settings plus its mutable limit state) and one method call under the operating limit.
 *
 * @internal
 */
import { OperatingLimit, type RateLimit } from "@im-recent/domain"
import * as Cause from "effect/Cause"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type * as Faults from "../../Faults.js"
import type * as PhpQuery from "../../PhpQuery.js"
import type * as Portal from "../../Portal.js"
import * as IgnoredInput from "../methods/ignoredInput.js"
import type { Credential } from "./auth.js"
import { type EmulatorClock, toMillis, toSeconds } from "./clock.js"
import { failure, type Operating, type RestFailure, type Timing } from "./envelope.js"
import * as Redact from "./redact.js"
import type { RequestLimits } from "./request.js"
import * as ServerErrors from "./serverErrors.js"

/** The operating limit's settings. @internal */
export interface OperatingSettings {
  readonly limitSeconds: number
  /** Seconds a call counts; `undefined` counts the measured processing time. */
  readonly cost: ((method: string) => number) | undefined
}

/** Everything a request needs. @internal */
export interface Engine {
  readonly portal: Portal.Service
  readonly zone: DateTime.TimeZone
  readonly publicUrl: string
  readonly clock: EmulatorClock
  readonly rateLimit: RateLimit.Settings | undefined
  readonly operating: OperatingSettings | undefined
  readonly faults: Faults.Settings | undefined
  readonly accessTokenLifetime: number
  readonly refreshTokenLifetime: number
  readonly limits: RequestLimits
  /** The URL of the application the portal pages frame (the portal's first OAuth application). */
  readonly appUrl: string | undefined
  readonly bucket: Ref.Ref<RateLimit.Bucket>
  readonly ledgers: Ref.Ref<ReadonlyMap<string, OperatingLimit.Ledger>>
  readonly faultState: Ref.Ref<Faults.State>
  /** Access tokens a refresh replaced: they answer `expired_token`. */
  readonly retiredTokens: Ref.Ref<ReadonlySet<string>>
}

/** The outcome of one call: its result or its documented error, its timing, and what the method ignored. @internal */
export interface Outcome {
  readonly result: Either.Either<unknown, RestFailure>
  readonly timing: Timing
  readonly notes: ReadonlyArray<string>
}

const ledgerKey = (credential: Credential, method: string) => `${credential.key}\u0000${method}`

/** The operating fields for a caller's method at `now`, or none when the limit is off. @internal */
export const operatingAt = (
  engine: Engine,
  credential: Credential | undefined,
  method: string,
  now: number
): Effect.Effect<Operating | undefined> => {
  if (engine.operating === undefined) return Effect.succeed(undefined)
  if (credential === undefined) return Effect.succeed({ operating: 0, resetAt: OperatingLimit.resetAt([], now) })
  return Effect.map(Ref.get(engine.ledgers), (ledgers) => {
    const ledger = ledgers.get(ledgerKey(credential, method)) ?? OperatingLimit.empty
    return { operating: OperatingLimit.total(ledger, now), resetAt: OperatingLimit.resetAt(ledger, now) }
  })
}

/**
 * Runs `method` for `credential` with `params` (`CRestServer::processCall`): refused with 429 `OPERATION_TIME_LIMIT`
 * when the method's operating time is already over the limit, otherwise run, measured and counted; the notes say
 * what the method ignored (see `ignoredInput`). Method errors keep their code
 * and status; a defect becomes 500 `INTERNAL_SERVER_ERROR` (logged without parameters or credentials).
 *
 * @internal
 */
export const invoke = (
  engine: Engine,
  credential: Credential,
  name: string,
  method: Portal.Method,
  params: PhpQuery.Params
): Effect.Effect<Outcome> =>
  Effect.gen(function* () {
    const startNanos = yield* engine.clock.nanos
    const start = toSeconds(startNanos)
    const key = ledgerKey(credential, name)
    if (engine.operating !== undefined) {
      const ledger = (yield* Ref.get(engine.ledgers)).get(key) ?? OperatingLimit.empty
      if (OperatingLimit.isBlocked(ledger, start, engine.operating.limitSeconds)) {
        return {
          notes: [],
          result: Either.left(ServerErrors.operationTimeLimit()),
          timing: {
            start,
            finish: start,
            processing: 0,
            operating: {
              operating: OperatingLimit.total(ledger, start),
              resetAt: OperatingLimit.resetAt(ledger, start)
            }
          }
        }
      }
    }
    const now = DateTime.unsafeMake(toMillis(startNanos))
    const notes = IgnoredInput.notes(name, params, yield* SynchronizedRef.get(engine.portal.state), now)
    const exit = yield* Effect.exit(
      method.handler({ userId: credential.userId, now, state: engine.portal.state }, params)
    )
    const finish = toSeconds(yield* engine.clock.nanos)
    const processing = engine.operating?.cost?.(name) ?? finish - start
    let operating: Operating | undefined
    if (engine.operating !== undefined) {
      const ledger = yield* Ref.modify(engine.ledgers, (ledgers) => {
        const updated = OperatingLimit.record(ledgers.get(key) ?? OperatingLimit.empty, start, processing)
        const next = new Map(ledgers)
        next.set(key, updated)
        return [updated, next] as const
      })
      operating = { operating: OperatingLimit.total(ledger, start), resetAt: OperatingLimit.resetAt(ledger, start) }
    }
    const timing: Timing = { start, finish, processing, operating }
    if (Exit.isSuccess(exit)) return { result: Either.right(exit.value), timing, notes }
    const error = Cause.failureOption(exit.cause)
    if (Option.isSome(error)) {
      return {
        result: Either.left(failure(error.value.status, error.value.code, error.value.description)),
        timing,
        notes
      }
    }
    const secrets = Redact.stateSecrets(
      yield* SynchronizedRef.get(engine.portal.state),
      yield* Ref.get(engine.retiredTokens)
    )
    yield* Effect.logError(`${name}: the method failed unexpectedly`).pipe(
      Effect.annotateLogs(
        "defect",
        Cause.isDie(exit.cause) ? Redact.line(String(Cause.squash(exit.cause)), secrets) : "interrupted"
      )
    )
    return { result: Either.left(failure(500, "INTERNAL_SERVER_ERROR")), timing, notes }
  })
