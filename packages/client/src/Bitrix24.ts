/**
 * The Bitrix24 REST transport: `call(method, params, schema)`.
 *
 * Every call is a `POST` with a JSON body, to the webhook URL or to `/rest/<method>` with `auth` in
 * the body (see `Bitrix24Auth`). It carries `X-Request-Id` (kept on every error) and
 * `User-Agent: im-recent/<version>`. On the way:
 *
 * 1. the method waits while its operating-time budget is paused (`OperatingBudget`);
 * 2. the request waits for room in the portal's leaky bucket, shared by every client of that portal in
 *    the process (`RequestThrottle`), and holds its place there until its answer has arrived (not while it is
 *    decoded);
 * 3. the answer is read whole within the timeout (60 s; the request is aborted past it), and the
 *    `{ error, error_description }` envelope is decoded before anything else, whatever the status;
 *    other bodies are decoded with `schema`;
 * 4. an `expired_token`/`invalid_token` renews the OAuth token (single-flight) and resends once;
 * 5. retryable errors are retried on one replaceable schedule (`RetrySchedule`): a
 *    `QUERY_LIMIT_EXCEEDED` also fills the local bucket, an `OPERATION_TIME_LIMIT` pauses the method
 *    until its reset time; an unresolvable host, or a refused connection to a loopback host, fails at
 *    once (`NetworkError.hopeless`). `onRetry` hears about each retry.
 *
 * The service needs an `HttpClient` and never provides one: use `FetchHttpClient.layer`,
 * `NodeHttpClient.layerUndici`, or your own. The platform's HTTP span is disabled for these requests
 * (it would record the webhook URL); the client opens its own `Bitrix24.request` span with the URL
 * masked.
 *
 * @since 0.1.0
 */

import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { RateLimit } from "@im-recent/domain"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import * as Bitrix24Auth from "./Bitrix24Auth.js"
import {
  type Bitrix24Error,
  type InvalidEndpoint,
  InvalidParams,
  isRetryable,
  type TokenStoreError
} from "./Bitrix24Error.js"
import { isMethodName } from "./internal/endpoint.js"
import { type CallContext, classify, decodeBody, envelopeError, exchange, makeRequestId } from "./internal/http.js"
import { makeMasker } from "./internal/secrets.js"
import { withSpan } from "./internal/tracing.js"
import { userAgent } from "./internal/version.js"
import * as OperatingBudget from "./OperatingBudget.js"
import * as RequestThrottle from "./RequestThrottle.js"
import * as RetrySchedule from "./RetrySchedule.js"
import type * as TokenStore from "./TokenStore.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The portal's request-rate limit (default `RateLimit.standard` of `@im-recent/domain`: 50 at once, then 2/s). */
  readonly rateLimit?: RateLimit.Settings | undefined
  /** The retry schedule (default `RetrySchedule.defaultSchedule`; `RetrySchedule.none` disables retries). */
  readonly retry?: RetrySchedule.RetrySchedule | undefined
  /** The per-request timeout (default 60 s, the server's own cap). */
  readonly timeout?: Duration.DurationInput | undefined
  /** The operating-time budget (default 480 s, pause at 90 %). */
  readonly operating?: Parameters<typeof OperatingBudget.settings>[0]
  /** Adjusts the HTTP client (base headers, proxies, …). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  /**
   * The portal's own time zone (PHP's default zone on the server, e.g. `Europe/Moscow` for a Russian cloud portal).
   * Responses carry only its offset; knowing the zone lets delta sync judge the 7-day edge exactly across daylight
   * saving switches. Without it a 2-hour margin is kept (`RecentQuery.latestClampBound`).
   */
  readonly timeZone?: DateTime.TimeZone | undefined
  /** Runs before each retry of a failed call, e.g. to tell a waiting user (see `RetrySchedule.Retry`). */
  readonly onRetry?: ((retry: RetrySchedule.Retry) => Effect.Effect<void>) | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  /**
   * Whether running the call twice is harmless (default `true`; every `im.recent.*` call is). A
   * non-idempotent call is retried only when the server refused it before running it.
   */
  readonly idempotent?: boolean | undefined
  /** The `X-Request-Id` to send (default: a fresh random UUID), e.g. to tie a batch's command errors to it. */
  readonly requestId?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The portal's base URL. */
  readonly portal: string
  /** Who calls (`Bitrix24Auth.Service.identity`: `webhook:<userId>`, `oauth:<clientId>[:<userId>]`). */
  readonly identity: string
  /** The portal's time zone, when configured (`Options.timeZone`). */
  readonly timeZone: Option.Option<DateTime.TimeZone>
  /**
   * Calls a REST method: `params` go out as the JSON body, the whole response body is decoded with
   * `schema` (e.g. `RecentGet.Response`).
   */
  readonly call: <A, I>(
    method: string,
    params: Readonly<Record<string, unknown>>,
    schema: Schema.Schema<A, I, never>,
    options?: CallOptions
  ) => Effect.Effect<A, Bitrix24Error>
  /** The portal's shared bucket. */
  readonly bucket: RequestThrottle.Bucket
  /** This caller's operating budgets. */
  readonly budget: OperatingBudget.Tracker
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Bitrix24 extends Context.Tag("@im-recent/client/Bitrix24")<Bitrix24, Service>() {}

const isRenewable = (error: Bitrix24Error): boolean =>
  error._tag === "AuthError" && (error.reason === "expired_token" || error.reason === "invalid_token")

/**
 * Builds the transport from the `Bitrix24Auth` and `HttpClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options?: Options
): Effect.Effect<Service, never, HttpClient.HttpClient | Bitrix24Auth.Bitrix24Auth> =>
  Effect.gen(function* () {
    const auth = yield* Bitrix24Auth.Bitrix24Auth
    const client = (options?.transformClient ?? ((c: HttpClient.HttpClient) => c))(yield* HttpClient.HttpClient).pipe(
      HttpClient.withTracerDisabledWhen(() => true)
    )
    const bucket = (yield* RequestThrottle.BucketRegistry).bucket(auth.origin, options?.rateLimit ?? RateLimit.standard)
    const budget = (yield* OperatingBudget.TrackerRegistry).tracker(
      `${auth.portal} ${auth.identity}`,
      OperatingBudget.settings(options?.operating)
    )
    const timeout = Duration.decode(options?.timeout ?? Duration.seconds(60))
    const requestInit = yield* Effect.serviceOption(FetchHttpClient.RequestInit)
    const schedule = options?.retry ?? RetrySchedule.defaultSchedule
    const mask = makeMasker(auth.secrets)

    const send = <A, I>(
      ctx: CallContext,
      params: Readonly<Record<string, unknown>>,
      schema: Schema.Schema<A, I, never>,
      credential: Bitrix24Auth.Credential,
      attempt: number
    ): Effect.Effect<A, Bitrix24Error> =>
      Effect.gen(function* () {
        const body: Record<string, unknown> = { ...params }
        for (const [key, value] of Object.entries(credential.body)) body[key] = Redacted.value(value)
        const request = yield* HttpClientRequest.post(Redacted.value(credential.url(ctx.method))).pipe(
          HttpClientRequest.setHeaders({ "User-Agent": userAgent, "X-Request-Id": ctx.requestId }),
          HttpClientRequest.acceptJson,
          HttpClientRequest.bodyJson(body),
          Effect.mapError(
            () =>
              new InvalidParams({
                method: ctx.method,
                requestId: ctx.requestId,
                issues: [{ path: "", message: "the parameters cannot be serialized as JSON" }]
              })
          )
        )
        // The request counts in the bucket until its whole body has arrived (the server counted it before answering);
        // reading and decoding the body happen after its slot is released.
        const raw = yield* bucket.withSlot(exchange(client, request, ctx, timeout, requestInit))
        yield* Effect.annotateCurrentSpan("http.response.status_code", raw.status)
        const outcome = yield* classify(ctx, raw.status, raw.contentType, raw.text)
        yield* budget.record(ctx.method, outcome.body.time)
        if (outcome._tag === "Envelope") {
          const resetAt = yield* budget.resetAt(ctx.method)
          return yield* envelopeError(ctx, raw.status, outcome.envelope, Option.getOrUndefined(resetAt))
        }
        return yield* decodeBody(ctx, raw.status, schema, outcome.body)
      }).pipe(
        withSpan("Bitrix24.request", {
          kind: "client",
          captureStackTrace: false,
          attributes: {
            "http.request.method": "POST",
            "url.full": credential.displayUrl(ctx.method),
            "bitrix24.method": ctx.method,
            "bitrix24.request_id": ctx.requestId,
            "bitrix24.attempt": attempt
          }
        })
      )

    const attempt = <A, I>(
      ctx: CallContext,
      params: Readonly<Record<string, unknown>>,
      schema: Schema.Schema<A, I, never>,
      attemptNo: number
    ): Effect.Effect<A, Bitrix24Error> =>
      Effect.gen(function* () {
        yield* budget.gate(ctx.method)
        const credential = yield* auth.credential
        return yield* send(ctx, params, schema, credential, attemptNo).pipe(
          Effect.catchIf(isRenewable, (error) =>
            Effect.flatMap(
              auth.renew(credential),
              Option.match({
                onNone: () => Effect.fail(error),
                onSome: (fresh) => Effect.zipRight(budget.gate(ctx.method), send(ctx, params, schema, fresh, attemptNo))
              })
            )
          )
        )
      }).pipe(
        Effect.tapError((error) =>
          Effect.zipRight(
            error._tag === "QueryLimitExceeded"
              ? bucket.saturate
              : error._tag === "OperationTimeLimit"
                ? Effect.asVoid(budget.block(ctx.method))
                : Effect.void,
            Effect.logDebug(`${ctx.method} attempt ${attemptNo} failed`).pipe(
              Effect.annotateLogs({ error: error._tag, requestId: ctx.requestId })
            )
          )
        )
      )

    const call = Effect.fn("Bitrix24.call")(function* <A, I>(
      method: string,
      params: Readonly<Record<string, unknown>>,
      schema: Schema.Schema<A, I, never>,
      callOptions?: CallOptions
    ) {
      const requestId = callOptions?.requestId ?? makeRequestId()
      if (!isMethodName(method)) {
        // never echo an arbitrary string verbatim: it could be (or contain) a secret
        const shown = mask(method.slice(0, 100))
        yield* Effect.annotateCurrentSpan({ "bitrix24.method": shown, "bitrix24.request_id": requestId })
        return yield* new InvalidParams({
          method: shown,
          requestId,
          issues: [{ path: "", message: "a REST method name is made of letters, digits, '_' and '.'" }]
        })
      }
      yield* Effect.annotateCurrentSpan({ "bitrix24.method": method, "bitrix24.request_id": requestId })
      const ctx: CallContext = { method, requestId, mask, source: "rest", credential: auth.kind }
      const idempotent = callOptions?.idempotent ?? true
      let attemptNo = 0
      const onRetry = options?.onRetry
      const once = Effect.suspend(() => attempt(ctx, params, schema, ++attemptNo))
      // The schedule is set up only after a first failure (most calls succeed at once): it is then driven by a copy of
      // the call whose first run fails with that error again, so it sees the same failures at the same instants.
      return yield* Effect.catchAll(once, (first) => {
        let replay: Bitrix24Error | undefined = first
        return Effect.suspend(() => {
          if (replay === undefined) return once
          const error = replay
          replay = undefined
          return Effect.fail(error)
        }).pipe(
          // `while` is asked only once the schedule allows another attempt
          Effect.retry({
            schedule,
            while: (error) =>
              isRetryable(error, idempotent) &&
              (onRetry === undefined || Effect.as(onRetry({ method, attempt: attemptNo, error }), true))
          })
        )
      })
    })

    return Bitrix24.of({
      portal: auth.portal,
      identity: auth.identity,
      timeZone: Option.fromNullable(options?.timeZone),
      call,
      bucket,
      budget
    })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: Options
): Layer.Layer<Bitrix24, never, HttpClient.HttpClient | Bitrix24Auth.Bitrix24Auth> =>
  Layer.effect(Bitrix24, make(options))

/**
 * The transport over an incoming webhook.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWebhook = (
  url: Redacted.Redacted<string>,
  options?: Options
): Layer.Layer<Bitrix24, InvalidEndpoint, HttpClient.HttpClient> =>
  Layer.provide(layer(options), Bitrix24Auth.layerWebhook(url))

/**
 * The transport over an OAuth application. It requires the `TokenStore` that keeps and saves the token pair:
 * provide it to this layer (`Layer.provide(TokenStore.layerFile("tokens.json"))`); a store merged beside it leaves the
 * requirement open, a type error.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerOAuth = (
  oauth: Bitrix24Auth.OAuthOptions,
  options?: Options
): Layer.Layer<Bitrix24, InvalidEndpoint | TokenStoreError, HttpClient.HttpClient | TokenStore.TokenStore> =>
  Layer.provide(layer(options), Bitrix24Auth.layerOAuth(oauth))

const rateLimitConfig: Config.Config<RateLimit.Settings> = Config.mapOrFail(
  Config.string("BITRIX24_RATE_LIMIT"),
  (value) => {
    const text = value.trim().toLowerCase()
    if (text === "standard" || text === "default") return Either.right(RateLimit.standard)
    if (text === "enterprise") return Either.right(RateLimit.enterprise)
    const match = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(text)
    if (match !== null && Number(match[1]) > 0 && Number(match[2]) > 0) {
      return Either.right(RateLimit.make(Number(match[1]), Number(match[2])))
    }
    return Either.left(
      ConfigError.InvalidData(
        ["BITRIX24_RATE_LIMIT"],
        `Expected "standard" (50/2), "enterprise" (250/5) or "<burst>/<per second>", got ${JSON.stringify(value)}`
      )
    )
  }
)

const timeZoneConfig: Config.Config<DateTime.TimeZone> = Config.mapOrFail(
  Config.string("BITRIX24_TIME_ZONE"),
  (value) =>
    Option.match(DateTime.zoneFromString(value.trim()), {
      onNone: () =>
        Either.left(
          ConfigError.InvalidData(
            ["BITRIX24_TIME_ZONE"],
            `Expected an IANA time zone such as "Europe/Moscow" (or an offset such as "+03:00"), got ${JSON.stringify(value)}`
          )
        ),
      onSome: Either.right
    })
)

/**
 * The transport's knobs from the environment, all optional: `BITRIX24_RATE_LIMIT` (`standard`,
 * `enterprise` or `<burst>/<per second>`), `BITRIX24_TIMEOUT` (a duration, e.g. `60 seconds`),
 * `BITRIX24_OPERATING_LIMIT` (a duration), `BITRIX24_RETRY_TIMES` (an integer) and
 * `BITRIX24_TIME_ZONE` (the portal's zone, e.g. `Europe/Moscow`).
 *
 * @since 0.1.0
 * @category config
 */
export const optionsConfig: Config.Config<Options> = Config.all({
  rateLimit: Config.option(rateLimitConfig),
  timeout: Config.option(Config.duration("BITRIX24_TIMEOUT")),
  operatingLimit: Config.option(Config.duration("BITRIX24_OPERATING_LIMIT")),
  timeZone: Config.option(timeZoneConfig),
  retryTimes: Config.option(
    Config.integer("BITRIX24_RETRY_TIMES").pipe(
      Config.validate({ message: "Expected an integer between 0 and 20", validation: (n) => n >= 0 && n <= 20 })
    )
  )
}).pipe(
  Config.map(
    (c): Options => ({
      rateLimit: Option.getOrUndefined(c.rateLimit),
      timeout: Option.getOrUndefined(c.timeout),
      operating: { limit: Option.getOrUndefined(c.operatingLimit) },
      timeZone: Option.getOrUndefined(c.timeZone),
      retry: Option.match(c.retryTimes, {
        onNone: () => undefined,
        onSome: (times) => RetrySchedule.exponential({ times })
      })
    })
  )
)

/**
 * The transport configured from the environment: `Bitrix24Auth.layerConfig` for the authorization,
 * {@link optionsConfig} for the knobs (explicit `options` win). With the OAuth variables, `tokenStore` is where the
 * renewed pairs go; without it the access token is used as given and never renewed (`Bitrix24Auth.layerConfig`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = <E = never, R = never>(
  options?: Options & Bitrix24Auth.ConfigOptions<E, R>
): Layer.Layer<Bitrix24, ConfigError.ConfigError | InvalidEndpoint | TokenStoreError | E, HttpClient.HttpClient | R> =>
  Layer.unwrapEffect(
    Effect.map(optionsConfig, (fromEnv) =>
      layer({
        rateLimit: options?.rateLimit ?? fromEnv.rateLimit,
        retry: options?.retry ?? fromEnv.retry,
        timeout: options?.timeout ?? fromEnv.timeout,
        operating: { ...fromEnv.operating, ...options?.operating },
        transformClient: options?.transformClient,
        timeZone: options?.timeZone ?? fromEnv.timeZone,
        onRetry: options?.onRetry
      })
    )
  ).pipe(Layer.provide(Bitrix24Auth.layerConfig({ tokenStore: options?.tokenStore })))
