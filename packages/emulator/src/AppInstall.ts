/**
 * The `ONAPPINSTALL` event: what a portal POSTs to an application's install handler once its administrator installed
 * the application, so that an app without a UI learns the portal's tokens (Bitrix24 REST docs: "OnAppInstall",
 * "Security in handlers", the `auth` parameters of events).
 *
 * The event is a form (`application/x-www-form-urlencoded`, keys as PHP writes nested arrays), in this order:
 *
 * - `event` = `ONAPPINSTALL`;
 * - `data[VERSION]` (the application's version, default `1`), `data[ACTIVE]` = `Y`, `data[INSTALLED]` = `Y`,
 *   `data[LANGUAGE_ID]` (the portal's language, `ru` / `en`);
 * - `ts`: the portal's clock, Unix seconds;
 * - `auth[access_token]`, `auth[expires]` (Unix seconds), `auth[expires_in]` (seconds left), `auth[scope]`
 *   (comma-separated), `auth[domain]` (the portal's host), `auth[server_endpoint]` (the OAuth server: its token
 *   endpoint is `<server>/oauth/token/`, the emulator itself), `auth[status]` = `L` (a local application),
 *   `auth[client_endpoint]` (`<portal>/rest/`), `auth[member_id]`, `auth[user_id]`, `auth[refresh_token]`,
 *   `auth[application_token]`.
 *
 * The tokens are the portal's own pair for its first OAuth application that holds one (as `Emulator.oauthCredentials`
 * reads it: the receiver can call the portal with it and renew it at the token endpoint), read afresh at each
 * attempt; `application_token` is that application's secret ({@link PortalState.OAuthApp}), which every later event
 * to it would carry too, so the receiver can check the sender.
 *
 * {@link deliver} sends it as a portal does: again, on a schedule, while the receiver is not up (a connection
 * refused or reset, no answer in time, or a `408`, `425`, `429` or `5xx` answer), and not again after a `2xx` (done)
 * or any other answer (refused). Each attempt and the outcome are logged on one line, with the portal's secrets
 * masked and the receiver's query string left out.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as Schema from "effect/Schema"
import type * as Emulator from "./Emulator.js"
import * as Redact from "./internal/http/redact.js"
import { applicationTokenOf } from "./internal/state/identity.js"

/**
 * The event's name, as the `event` field carries it.
 *
 * @since 0.1.0
 * @category constants
 */
export const eventName = "ONAPPINSTALL"

/**
 * When to try again: after 1 s, then twice as long each time up to 30 s between attempts, for up to 10 minutes.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSchedule: Schedule.Schedule<unknown, unknown> = Schedule.exponential("1 second").pipe(
  Schedule.union(Schedule.spaced("30 seconds")),
  Schedule.upTo("10 minutes")
)

/**
 * How to deliver the event; everything is optional.
 *
 * - `version`: `data[VERSION]` (default `1`);
 * - `schedule`: when to try again after a failed attempt (default {@link defaultSchedule}); its input is the
 *   attempt's {@link AttemptFailure};
 * - `timeout`: how long one attempt may take before it counts as failed (default 10 s).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly version?: string | undefined
  readonly schedule?: Schedule.Schedule<unknown, AttemptFailure> | undefined
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * A delivered event: the portal that sent it, the receiver (without its query string), the receiver's status and
 * how many attempts it took.
 *
 * @since 0.1.0
 * @category models
 */
export interface Delivery {
  readonly portal: string
  readonly url: string
  readonly status: number
  readonly attempts: number
}

/**
 * Why one attempt failed, and whether a later one may succeed.
 *
 * @since 0.1.0
 * @category models
 */
export interface AttemptFailure {
  readonly reason: string
  readonly retryable: boolean
  readonly status?: number | undefined
}

/**
 * The event was not delivered: the portal had nothing to install (no OAuth application with a token pair), the
 * receiver refused it, or the schedule ran out. The URL is shown without its query string.
 *
 * @since 0.1.0
 * @category errors
 */
export class DeliveryError extends Schema.TaggedError<DeliveryError>("@im-recent/emulator/DeliveryError")(
  "DeliveryError",
  { portal: Schema.String, url: Schema.String, attempts: Schema.Int, reason: Schema.String }
) {
  override get message(): string {
    return `${eventName} of ${this.portal} to ${this.url} not delivered after ${this.attempts} attempt${this.attempts === 1 ? "" : "s"}: ${this.reason}`
  }
}

/**
 * The event's fields, in the order a portal writes them, as the portal is now; `None` when the portal has no OAuth
 * application with a token pair.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fields = (
  service: Emulator.Service,
  options: Pick<Options, "version"> = {}
): Effect.Effect<Option.Option<ReadonlyArray<readonly [string, string]>>> =>
  Effect.gen(function* () {
    const state = yield* Ref.get(service.portal.state)
    const nowSeconds = Math.floor((yield* service.now) / 1000)
    for (const pair of state.oauthTokens) {
      const app = state.oauthApps.find((candidate) => candidate.clientId === pair.clientId)
      if (app === undefined) continue
      const rest = `${service.publicUrl}/rest/`
      return Option.some([
        ["event", eventName],
        ["data[VERSION]", options.version ?? "1"],
        ["data[ACTIVE]", "Y"],
        ["data[INSTALLED]", "Y"],
        ["data[LANGUAGE_ID]", state.portal.language],
        ["ts", String(nowSeconds)],
        ["auth[access_token]", pair.accessToken],
        ["auth[expires]", String(pair.accessExpiresAt)],
        ["auth[expires_in]", String(Math.max(0, pair.accessExpiresAt - nowSeconds))],
        ["auth[scope]", pair.scopes.join(",")],
        ["auth[domain]", state.portal.domain],
        ["auth[server_endpoint]", rest],
        ["auth[status]", "L"],
        ["auth[client_endpoint]", rest],
        ["auth[member_id]", service.memberId],
        ["auth[user_id]", String(pair.userId)],
        ["auth[refresh_token]", pair.refreshToken],
        ["auth[application_token]", applicationTokenOf(app)]
      ] as const)
    }
    return Option.none()
  })

/** A receiver URL as logs and errors show it: no query string, no fragment, bounded. */
const shown = (url: string): string => {
  const end = url.search(/[?#]/)
  return Redact.excerpt(end === -1 ? url : `${url.slice(0, end)}?…`, Redact.maxValue * 2)
}

const retryableStatus = (status: number): boolean => status === 408 || status === 425 || status === 429 || status >= 500

/** What a failed `fetch` says: the system error's code (`ECONNREFUSED`) when it has one. */
const transportReason = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
  const code = typeof cause?.code === "string" ? cause.code : undefined
  const message = error instanceof Error ? error.message : String(error)
  return code === undefined ? message : `${message} (${code})`
}

/**
 * POSTs the event to `url` until it is delivered, the receiver refuses it, or the schedule runs out (see the module
 * description), logging each attempt and the outcome.
 *
 * @since 0.1.0
 * @category delivery
 */
export const deliver = (
  service: Emulator.Service,
  url: string,
  options: Options = {}
): Effect.Effect<Delivery, DeliveryError> =>
  Effect.gen(function* () {
    const target = shown(url)
    const timeout = Duration.decode(options.timeout ?? "10 seconds")
    const attempts = yield* Ref.make(0)
    const secrets = Effect.map(Ref.get(service.portal.state), (state) => Redact.stateSecrets(state))
    const log = (level: "info" | "warning", text: string) =>
      Effect.flatMap(secrets, (known) => {
        const line = Redact.line(`${eventName} of ${service.publicUrl} to ${target}: ${text}`, known)
        return level === "info" ? Effect.logInfo(line) : Effect.logWarning(line)
      })
    const fail = (reason: string) =>
      Effect.flatMap(
        Ref.get(attempts),
        (count) => new DeliveryError({ portal: service.publicUrl, url: target, attempts: count, reason })
      )

    const form = yield* fields(service, options)
    if (Option.isNone(form)) {
      yield* log("warning", "not sent: the portal has no OAuth application with a token pair")
      return yield* fail("the portal has no OAuth application with a token pair")
    }

    const attempt: Effect.Effect<number, AttemptFailure> = Effect.gen(function* () {
      yield* Ref.update(attempts, (n) => n + 1)
      const body = new URLSearchParams(
        Option.getOrElse(yield* fields(service, options), () => form.value) as Array<[string, string]>
      ).toString()
      const status = yield* Effect.tryPromise({
        try: async (signal) => {
          const response = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body,
            redirect: "manual",
            signal
          })
          await response.arrayBuffer().catch(() => undefined)
          return response.status
        },
        catch: (error): AttemptFailure => ({ reason: transportReason(error), retryable: true })
      }).pipe(
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: (): AttemptFailure => ({ reason: `no answer in ${Duration.format(timeout)}`, retryable: true })
        })
      )
      if (status >= 200 && status < 300) return status
      return yield* Effect.fail<AttemptFailure>({
        reason: `answered HTTP ${status}`,
        retryable: retryableStatus(status),
        status
      })
    }).pipe(
      Effect.tapError((failure) =>
        Effect.flatMap(Ref.get(attempts), (count) =>
          log("info", `attempt ${count} failed: ${failure.reason}${failure.retryable ? "" : "; not trying again"}`)
        )
      )
    )

    const schedule = Schedule.delays(options.schedule ?? defaultSchedule).pipe(
      Schedule.whileInput((failure: AttemptFailure) => failure.retryable),
      Schedule.onDecision((delay, decision) =>
        ScheduleDecision.isContinue(decision) ? log("info", `trying again in ${Duration.format(delay)}`) : Effect.void
      )
    )

    const status = yield* Effect.retry(attempt, schedule).pipe(
      Effect.catchAll((failure) =>
        Effect.zipRight(
          log("warning", failure.retryable ? `given up: ${failure.reason}` : `refused: ${failure.reason}`),
          fail(failure.retryable ? `given up: ${failure.reason}` : `refused: ${failure.reason}`)
        )
      )
    )
    const count = yield* Ref.get(attempts)
    yield* log("info", `delivered (HTTP ${status}) on attempt ${count}`)
    return { portal: service.publicUrl, url: target, status, attempts: count }
  })
