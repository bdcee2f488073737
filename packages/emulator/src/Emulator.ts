/**
 * The emulated portal's HTTP surface: Bitrix24's REST endpoint and OAuth token endpoint, as an `HttpApp`, an
 * `HttpServer` layer and a web handler. The REST endpoint answers as the server's PHP source does (`rest.server`
 * component, `CRestServer`, `CRestUtil`, `CRestProvider::methodsBatch`; public mirror `yuliai/bitrix-modules`).
 *
 * Routes:
 * - `/rest/{userId}/{code}/{method}` — a webhook call;
 * - `/rest/{method}` — an OAuth call, the token in `Authorization: Bearer`, `auth` or `access_token` (query, JSON
 *   body or form body), or a webhook call with `aplogin` / `ap` parameters;
 * - `/oauth/token/` — `grant_type=refresh_token` (GET query or POST form), the OAuth server's token endpoint.
 *
 * The method is lower-cased; a `.json` or `.xml` suffix picks the transport: `.xml` answers `text/xml` as
 * `<response><result>…</result>…</response>` (errors too). `/rest/` without a method, or an unknown one (of any
 * length), is 404 `ERROR_METHOD_NOT_FOUND` "Method not found!" — looked up before the credentials, so bad credentials
 * do not change it. Every REST answer carries `Access-Control-Allow-Origin: *`, `Access-Control-Allow-Headers:
 * origin, content-type, accept` and `X-Content-Type-Options: nosniff`. A browser's CORS preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) is answered 200 with those headers and no body, before the rate limit and the
 * credentials; a bare `OPTIONS` runs like `GET` (the PHP source has no preflight branch). Every answer's `Date`
 * header reads the portal's clock.
 *
 * Parameters (`CRestUtil::getRequestData`): the query string, merged with the body of a POST only (another method's
 * body is ignored); a form or multipart body is read as PHP does; any other body is read raw: as JSON when the
 * Content-Type is exactly `application/json` — malformed JSON, or JSON that is not an array or object, is dropped
 * and the call runs on the query string — and otherwise with `parse_str`. Unknown parameters are ignored (the SDKs'
 * `bx24_request_id`, `bx24_sdk_ver`, `bx24_sdk_type` among them).
 *
 * Answers: successes `{ result, next?, total?, time }`, errors exactly `{ error, error_description }` with the
 * server's own texts. A `batch` answers 200 with the documented sections; its own `time.operating` is 0 (the outer
 * call is not counted, its commands are). An unexpected defect answers 500 `INTERNAL_SERVER_ERROR`.
 *
 * Where the server silently ignores or changes input (a dropped body, an unknown parameter, a flag that is not
 * exactly `Y`, an unparsable date, a skipped batch command), the emulator answers the same and logs one warning line
 * saying what was ignored.
 *
 * The emulator's own limits (the server has none or other ones; all `INVALID_REQUEST`, the documented REST code for
 * a refused request, with a description of what was wrong):
 * - a body or parameter that is not UTF-8 (outside a JSON body), keys nested deeper than the limit, too many
 *   parameters, an over-long parameter name, an unreadable multipart body: 400;
 * - a body over `maxBodyBytes`: 413; a URL over `maxUrlLength`: 414;
 * - a path outside `/rest/` and `/oauth/token/`: 404 `NOT_FOUND`; a path whose percent-encoding does not decode: 400.
 *
 * Authentication, after the method is found (texts and statuses as in the source; see `internal/http/auth`):
 * - a webhook with an unknown user id or a wrong code, or past its `expiresAt`: 401 `INVALID_CREDENTIALS`; its user
 *   inactive: 401 `authorization_error`;
 * - an OAuth call without a token, or with one the portal never issued: 401 `NO_AUTH_FOUND` "Wrong authorization
 *   data"; an expired access token, or one a refresh replaced: 401 `expired_token`;
 * - a credential without the method's scope: 401 `insufficient_scope` (inside `batch`, with an empty description);
 * - `/oauth/token/`: 400 `invalid_request` (a missing parameter or an unsupported `grant_type`), 401
 *   `invalid_client` (unknown application or wrong secret), 400 `invalid_grant` (unknown, used, expired or
 *   foreign refresh token), as `{ error, error_description }`.
 *
 * Limits are the server's rules from `@im-recent/domain`: `RateLimit`, one leaky bucket for the whole emulator that
 * every `/rest/…` request drains, whatever its credentials (a `batch` is one request; `/oauth/token/` is not counted),
 * refused with 503 `QUERY_LIMIT_EXCEEDED`; and `OperatingLimit`, per webhook or OAuth application and method, refused
 * with 429 `OPERATION_TIME_LIMIT`. Faults are described in {@link Faults}. No log line carries a secret (the portal's
 * webhook codes, tokens and client secrets, or whatever a request carried as one: a webhook path's code shows as
 * `***`), nor more than a bounded part of anything taken from a request; requests are not traced (the
 * URL of a webhook call holds its secret).
 *
 * @since 0.1.0
 */
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpServer from "@effect/platform/HttpServer"
import { BadPort, type OperatingLimit, RateLimit } from "@im-recent/domain"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Ref from "effect/Ref"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import type * as AppInstall from "./AppInstall.js"
import * as Faults from "./Faults.js"
import * as Generator from "./Generator.js"
import type { Engine } from "./internal/http/call.js"
import * as EmulatorClock from "./internal/http/clock.js"
import { dropHeader } from "./internal/http/envelope.js"
import * as Settings from "./internal/http/options.js"
import * as Router from "./internal/http/router.js"
import { applicationTokenOf, memberIdOf } from "./internal/state/identity.js"
import * as Methods from "./Methods.js"
import type * as PhpQuery from "./PhpQuery.js"
import * as Portal from "./Portal.js"
import type { PortalState } from "./PortalState.js"

/**
 * The operating limit's settings: the limit in seconds (default 480) and what one call costs — a number of
 * seconds, or a function of the method name; by default the call's measured processing time.
 *
 * @since 0.1.0
 * @category models
 */
export interface OperatingOptions {
  readonly limitSeconds?: number | undefined
  readonly cost?: number | ((method: string) => number) | undefined
}

/**
 * How to run the emulator. Everything is optional.
 *
 * - `state`: the portal — users, chats, webhooks (`{ userId, code, scopes, expiresAt }`), OAuth applications
 *   and issued token pairs. Webhook calls authenticate against `webhooks`, OAuth calls against `oauthTokens`
 *   (see the module documentation of `Emulator` for the answers to bad credentials). Default: a portal from
 *   {@link Generator.generate} with `generator` over {@link Generator.defaults}, its history ending at the
 *   emulator's start;
 * - `generator`: settings for the generated portal (ignored with `state`);
 * - `methods`: the REST methods, by lower-case name (default: {@link Methods.methods}, the `im.*` methods);
 * - `startAt`: the portal's clock reads this instant when the emulator starts and runs on from there. The
 *   clock is the `Clock` of the context the emulator is built in: the system clock, or `TestClock` inside
 *   `it.effect` (then `TestClock.adjust` drives limits, token expiry and latency);
 * - `timeZone`: the portal's zone (IANA name or offset) for `date_start` / `date_finish` and every date the
 *   methods write; overrides the state's; a generated portal defaults to `Europe/Moscow`;
 * - `publicUrl`: scheme, host and port clients reach the emulator at, used for `client_endpoint` and avatar
 *   URLs; overrides the state's; default: the server's own address (`layer`) or the state's `publicUrl`
 *   (`webHandler`);
 * - `scheme`: the scheme of that derived server address, `https` behind TLS (default `http`);
 * - `rateLimit`: `false`, or the leaky bucket's `burst` / `drainPerSecond` (default 50 / 2);
 * - `operatingLimit`: `false`, or {@link OperatingOptions};
 * - `faults`: {@link Faults.Settings} (default: none);
 * - `accessTokenLifetime` / `refreshTokenLifetime`: seconds (default 3 600 and 180 days);
 * - `appUrl`: the URL of the application the portal pages frame (`/marketplace/app/1/`, `/placement/{PLACEMENT}/`;
 *   see {@link PortalPages}), as the handler URL of the portal's first OAuth application (default: none, and the
 *   pages say so);
 * - `maxBodyBytes` (default 1 MiB), `maxUrlLength` (default 65 536 characters), `maxJsonDepth` (default 512, as
 *   PHP's `json_decode`), `params` ({@link PhpQuery.Limits}).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly state?: PortalState | undefined
  readonly generator?: Partial<Generator.Options> | undefined
  readonly methods?: ReadonlyMap<string, Portal.Method> | undefined
  readonly startAt?: DateTime.DateTime | Date | number | string | undefined
  readonly timeZone?: string | undefined
  readonly publicUrl?: string | undefined
  readonly scheme?: "http" | "https" | undefined
  readonly rateLimit?: false | Partial<RateLimit.Settings> | undefined
  readonly operatingLimit?: false | OperatingOptions | undefined
  readonly faults?: Faults.Settings | undefined
  readonly accessTokenLifetime?: number | undefined
  readonly refreshTokenLifetime?: number | undefined
  readonly maxBodyBytes?: number | undefined
  readonly maxUrlLength?: number | undefined
  readonly maxJsonDepth?: number | undefined
  readonly params?: Partial<PhpQuery.Limits> | undefined
  readonly appUrl?: string | undefined
}

/**
 * Options that cannot work, one message per problem.
 *
 * @since 0.1.0
 * @category errors
 */
export class OptionsError extends Schema.TaggedError<OptionsError>("@im-recent/emulator/OptionsError")("OptionsError", {
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return this.problems.join("; ")
  }
}

/**
 * A running emulator: its HTTP app, its portal (state and methods) and the URL it answers at.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly app: HttpApp.Default<never, never>
  readonly portal: Portal.Service
  readonly publicUrl: string
  /** The portal's `member_id` (the MD5 of its host, as the token endpoint and the portal pages write it). */
  readonly memberId: string
  /** The portal's clock, in milliseconds since the epoch (`startAt` and on). */
  readonly now: Effect.Effect<number>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Emulator extends Context.Tag("@im-recent/emulator/Emulator")<Emulator, Service>() {}

/**
 * Checks options without starting anything.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (options: Options): Effect.Effect<void, OptionsError> => Effect.asVoid(resolve(options))

const resolve = (options: Options): Either.Either<Settings.Resolved, OptionsError> =>
  Either.mapLeft(Settings.resolve(options), (problems) => new OptionsError({ problems }))

/**
 * Builds an emulator: validates the options, starts its portal and limits, and returns its HTTP app.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, OptionsError> =>
  Effect.gen(function* () {
    const resolved = yield* resolve(options)
    const clock = yield* EmulatorClock.make(resolved.startAtMillis)
    const initial =
      options.state ??
      Generator.generate({
        ...Generator.defaults(DateTime.unsafeMake(EmulatorClock.toMillis(yield* clock.nanos))),
        ...options.generator,
        timeZone: resolved.zoneName
      })
    const publicUrl = resolved.publicUrl ?? Settings.normalizeUrl([], initial.portal.publicUrl)
    const state: PortalState = {
      ...initial,
      portal: { ...initial.portal, timeZone: resolved.zoneName, publicUrl, domain: new URL(publicUrl).host }
    }
    const portal = yield* Portal.make(state, options.methods ?? Methods.methods)
    const engine: Engine = {
      ...resolved.engine,
      publicUrl,
      portal,
      clock,
      bucket: yield* Ref.make(RateLimit.empty),
      ledgers: yield* Ref.make<ReadonlyMap<string, OperatingLimit.Ledger>>(new Map()),
      faultState: yield* Ref.make(Faults.initial(options.faults ?? {})),
      retiredTokens: yield* Ref.make<ReadonlySet<string>>(new Set())
    }
    return {
      app: yield* Router.make(engine),
      portal,
      publicUrl: engine.publicUrl,
      memberId: memberIdOf(state.portal.domain),
      now: Effect.map(clock.nanos, EmulatorClock.toMillis)
    }
  })

/**
 * The base URL of a server address (`http://127.0.0.1:PORT`; wildcard hosts become `127.0.0.1`).
 *
 * @since 0.1.0
 * @category utils
 */
export const addressUrl = (address: HttpServer.Address, scheme: "http" | "https" = "http"): string => {
  if (address._tag === "UnixAddress") return `${scheme}://localhost`
  const host =
    address.hostname === "0.0.0.0" || address.hostname === "::" || address.hostname === ""
      ? "127.0.0.1"
      : address.hostname.includes(":")
        ? `[${address.hostname}]`
        : address.hostname
  return `${scheme}://${host}:${address.port}`
}

/**
 * Serves the emulator on the `HttpServer` in context (`NodeHttpServer.layer(() => NodeServer.make(), { port,
 * host: "127.0.0.1" })`, which also answers malformed HTTP with an error envelope, or `NodeHttpServer.layerTest`)
 * and provides {@link Emulator}. Without `publicUrl` the
 * emulator announces the server's own address. A server on a port `fetch` refuses to connect to ({@link BadPort} in
 * `@im-recent/domain`, e.g. 6000) fails with {@link OptionsError}: no client using `fetch` could reach it.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Emulator, OptionsError, HttpServer.HttpServer> =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const server = yield* HttpServer.HttpServer
      const blocked = server.address._tag === "TcpAddress" ? BadPort.reason(server.address.port) : undefined
      if (blocked !== undefined) return yield* new OptionsError({ problems: [blocked] })
      const service = yield* make({
        ...options,
        publicUrl: options.publicUrl ?? addressUrl(server.address, options.scheme ?? "http")
      })
      return Layer.merge(
        HttpServer.serve(service.app).pipe(HttpMiddleware.withTracerDisabledWhen(() => true)),
        Layer.succeed(Emulator, service)
      )
    })
  )

/**
 * A `fetch`-shaped handler and its disposal.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebHandler {
  readonly handler: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>
  readonly dispose: () => Promise<void>
}

/**
 * What a dropped connection rejects with: like Node's `fetch` on a reset socket, and recognised by msw as a
 * network error (it carries `code` and `errno`).
 */
const connectionReset = (): Error =>
  Object.assign(new TypeError("fetch failed: the connection was reset by the emulator"), {
    code: "ECONNRESET",
    errno: -104,
    syscall: "read"
  })

/**
 * The emulator as a function from `Request` to `Promise<Response>`, without a socket: use it from msw
 * (`http.all("https://portal.test/*", ({ request }) => handler(request))`) or directly as
 * `FetchHttpClient.Fetch`. A dropped-connection fault rejects the promise. Invalid options throw
 * {@link OptionsError} here, synchronously. Call `dispose` when done.
 *
 * @since 0.1.0
 * @category constructors
 */
export const webHandler = (options: Options = {}): WebHandler => {
  const checked = resolve(options)
  if (Either.isLeft(checked)) throw checked.left
  const runtime = ManagedRuntime.make(Layer.effect(Emulator, make(options)))
  let ready: Promise<(request: Request) => Promise<Response>> | undefined
  const handler = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    ready ??= runtime.runtime().then((context) => {
      const service = Context.get(context.context, Emulator)
      const untraced = Runtime.setFiberRef(context, HttpMiddleware.currentTracerDisabledWhen, () => true)
      return HttpApp.toWebHandlerRuntime(untraced)(service.app)
    })
    const request = input instanceof Request && init === undefined ? input : new Request(input, init)
    return ready
      .then((handle) => handle(request))
      .then((response) => (response.headers.has(dropHeader) ? Promise.reject(connectionReset()) : response))
  }
  return { handler, dispose: () => runtime.dispose() }
}

/**
 * A webhook of the portal as clients use it: its user, its scopes (a call outside them answers `401
 * insufficient_scope`) and its URL, `<publicUrl>/rest/<userId>/<code>/`.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebhookUrl {
  readonly userId: number
  readonly scopes: ReadonlyArray<string>
  readonly url: string
}

/**
 * The portal's webhooks as clients use them, in the state's order.
 *
 * @since 0.1.0
 * @category utils
 */
export const webhookUrls = (service: Service): Effect.Effect<ReadonlyArray<WebhookUrl>> =>
  Effect.map(Ref.get(service.portal.state), (state) =>
    state.webhooks.map((hook) => ({
      userId: hook.userId,
      scopes: hook.scopes,
      url: `${service.publicUrl}/rest/${hook.userId}/${encodeURIComponent(hook.code)}/`
    }))
  )

/**
 * The webhook a client reads the recent list with: the first with the `im` scope of user 1 (the generated portal's
 * administrator, with the richest list), else the first with `im` of any user; `undefined` when none has `im`.
 *
 * @since 0.1.0
 * @category utils
 */
export const readerWebhook = (webhooks: ReadonlyArray<WebhookUrl>): WebhookUrl | undefined => {
  const withIm = webhooks.filter((hook) => hook.scopes.includes("im"))
  return withIm.find((hook) => hook.userId === 1) ?? withIm[0]
}

/**
 * An OAuth application of the portal with a user's token pair, as clients use it: the application's id and secret,
 * the user, the pair, and the REST and token endpoints; with the application's `application_token` (the secret the
 * portal's events to it carry) and the portal's `member_id`, as an app learns them from `ONAPPINSTALL` (see
 * {@link AppInstall}).
 *
 * @since 0.1.0
 * @category models
 */
export interface OAuthCredentials {
  readonly clientId: string
  readonly clientSecret: string
  readonly applicationToken: string
  readonly memberId: string
  readonly userId: number
  readonly accessToken: string
  readonly refreshToken: string
  /** When the access token expires (Unix seconds). */
  readonly expires: number
  readonly restUrl: string
  readonly tokenUrl: string
}

/**
 * The portal's first OAuth application that holds a token pair, with that pair (as it is now: a refresh replaces
 * it); `undefined` when the portal has none.
 *
 * @since 0.1.0
 * @category utils
 */
export const oauthCredentials = (service: Service): Effect.Effect<OAuthCredentials | undefined> =>
  Effect.map(Ref.get(service.portal.state), (state) => {
    for (const pair of state.oauthTokens) {
      const app = state.oauthApps.find((candidate) => candidate.clientId === pair.clientId)
      if (app === undefined) continue
      return {
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        applicationToken: applicationTokenOf(app),
        memberId: service.memberId,
        userId: pair.userId,
        accessToken: pair.accessToken,
        refreshToken: pair.refreshToken,
        expires: pair.accessExpiresAt,
        restUrl: `${service.publicUrl}/rest/`,
        tokenUrl: `${service.publicUrl}/oauth/token/`
      }
    }
    return undefined
  })
