/**
 * How calls are authorized: an incoming webhook or an OAuth application.
 *
 * - Webhook: `https://<portal>/rest/<userId>/<code>/`; calls go to `…/<code>/<method>`. The URL is a
 *   secret and is taken as `Redacted`.
 * - OAuth: calls go to `https://<portal>/rest/<method>` with `auth: <access token>` in the JSON
 *   body. The access token is renewed shortly before it expires (`refreshMargin`, 60 s) and whenever
 *   the portal answers `expired_token` or `invalid_token`. Renewal is single-flight: however many
 *   calls need it at once, one `POST <oauthServer>/oauth/token/` is sent (form-encoded, secrets in
 *   the body, never in the URL) and everyone waits for it. The new pair replaces the old one (the
 *   old refresh token is dead) and goes to the `TokenStore` first, which the OAuth layer therefore
 *   requires. `invalid_grant`/`invalid_client` are terminal: every later call fails at once with that
 *   `OAuthError`, without another request. When the store has `renew` (a store several processes share, e.g.
 *   `SqlTokenStore` of `@im-recent/sql`), the renewal runs through it, under the store's lock: a process whose pair
 *   another process renewed meanwhile takes the stored pair instead of sending its retired refresh token, so
 *   processes sharing a pair never get `invalid_grant` from renewing it at the same time.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { OAuthToken } from "@im-recent/domain"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import {
  type Bitrix24Error,
  type InvalidEndpoint,
  isBitrix24Error,
  NetworkError,
  OAuthError,
  TokenStoreError
} from "./Bitrix24Error.js"
import { parseBase, parseWebhook } from "./internal/endpoint.js"
import { classify, decodeBody, envelopeError, exchange, makeRequestId } from "./internal/http.js"
import { makeMasker, REDACTED } from "./internal/secrets.js"
import { userAgent } from "./internal/version.js"
import * as TokenStore from "./TokenStore.js"

/**
 * What one request is sent with.
 *
 * @since 0.1.0
 * @category models
 */
export interface Credential {
  readonly kind: "webhook" | "oauth"
  /** Increases with every renewal; a renewal asked for an older generation is already done. */
  readonly generation: number
  /** The URL of `method`; for webhooks it holds the code, hence `Redacted`. */
  readonly url: (method: string) => Redacted.Redacted<string>
  /** The URL of `method` with every secret replaced by `<redacted>` (for spans and logs). */
  readonly displayUrl: (method: string) => string
  /** Fields merged into the JSON body (`auth` for OAuth). */
  readonly body: Readonly<Record<string, Redacted.Redacted<string>>>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly kind: "webhook" | "oauth"
  /** The portal's base URL (`https://portal.bitrix24.com`), no secret in it. */
  readonly portal: string
  /** The portal's origin: the key of its rate-limit bucket. */
  readonly origin: string
  /**
   * Who calls (`webhook:<userId>`, `oauth:<clientId>`, or `oauth:<clientId>:<userId>` when `OAuthOptions.userId` is
   * given): the key of the operating budgets, and whose list a `RecentSync` snapshot holds.
   */
  readonly identity: string
  /** The current credential (renewed first if it is about to expire). */
  readonly credential: Effect.Effect<Credential, Bitrix24Error>
  /**
   * After the portal refused `stale` as expired or invalid: a renewed credential, or `None` when
   * this kind of authorization cannot be renewed.
   */
  readonly renew: (stale: Credential) => Effect.Effect<Option.Option<Credential>, Bitrix24Error>
  /** Every secret currently in use, to mask them out of any text. */
  readonly secrets: () => ReadonlyArray<Redacted.Redacted<string>>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Bitrix24Auth extends Context.Tag("@im-recent/client/Bitrix24Auth")<Bitrix24Auth, Service>() {}

/**
 * Authorization by an incoming webhook URL (`https://<portal>/rest/<userId>/<code>/`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const webhook = (url: Redacted.Redacted<string>): Effect.Effect<Service, InvalidEndpoint> =>
  Effect.map(parseWebhook(url), (hook) => {
    const credential: Credential = {
      kind: "webhook",
      generation: 0,
      url: (method) => Redacted.make(`${hook.base}/rest/${hook.userId}/${Redacted.value(hook.code)}/${method}`),
      displayUrl: (method) => `${hook.base}/rest/${hook.userId}/${REDACTED}/${method}`,
      body: {}
    }
    return Bitrix24Auth.of({
      kind: "webhook",
      portal: hook.base,
      origin: hook.origin,
      identity: `webhook:${hook.userId}`,
      credential: Effect.succeed(credential),
      renew: () => Effect.succeed(Option.none()),
      secrets: () => [hook.code, url]
    })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layerWebhook = (url: Redacted.Redacted<string>): Layer.Layer<Bitrix24Auth, InvalidEndpoint> =>
  Layer.effect(Bitrix24Auth, webhook(url))

/**
 * The OAuth server of the cloud (`oauth.bitrix.info`).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultOAuthServer = "https://oauth.bitrix.info"

/**
 * @since 0.1.0
 * @category models
 */
export interface OAuthOptions {
  /** `https://portal.bitrix24.com` (plain http only for loopback hosts). */
  readonly portalUrl: string | URL
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /**
   * The user the tokens belong to (the token response's `user_id`), when known: part of `identity`
   * (`oauth:<clientId>:<userId>`), which tells whose list a `RecentSync` snapshot holds.
   */
  readonly userId?: number | undefined
  /** The initial pair, used when the `TokenStore` has none. */
  readonly tokens?: TokenStore.Tokens | undefined
  /** Where `/oauth/token/` is served (default {@link defaultOAuthServer}). */
  readonly oauthServerUrl?: string | URL | undefined
  /** Renew this long before `expiresAt` (default 60 s). */
  readonly refreshMargin?: Duration.DurationInput | undefined
  /** Timeout of the token request (default 30 s). */
  readonly refreshTimeout?: Duration.DurationInput | undefined
  /** Adjusts the HTTP client used for the token request. */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

interface OAuthState {
  tokens: TokenStore.Tokens
  generation: number
  inflight: Deferred.Deferred<Credential, Bitrix24Error> | undefined
  terminal: Bitrix24Error | undefined
}

const isTerminal = (error: Bitrix24Error): boolean => error instanceof OAuthError

/**
 * Authorization by an OAuth application, renewing its tokens. Reads the initial pair from the
 * `TokenStore` (falling back to `options.tokens`) and saves every renewed pair to it before using it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const oauth = (
  options: OAuthOptions
): Effect.Effect<
  Service,
  InvalidEndpoint | TokenStoreError,
  HttpClient.HttpClient | Scope.Scope | TokenStore.TokenStore
> => Effect.flatMap(TokenStore.TokenStore, (store) => makeOAuth(options, store, true))

/**
 * OAuth with the store given; `renews: false` uses the access token as given until the portal refuses it (no store
 * to save a renewed pair in: a renewal would retire the refresh token for nothing).
 */
const makeOAuth = (
  options: OAuthOptions,
  store: TokenStore.Service,
  renews: boolean
): Effect.Effect<Service, InvalidEndpoint | TokenStoreError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function* () {
    const portal = yield* parseBase(options.portalUrl, "The portal URL")
    const server = yield* parseBase(options.oauthServerUrl ?? defaultOAuthServer, "The OAuth server URL")
    const stored = yield* store.load
    const initial = Option.orElse(stored, () => Option.fromNullable(options.tokens))
    if (Option.isNone(initial)) {
      return yield* new TokenStoreError({
        operation: "load",
        description: "no OAuth tokens: pass `tokens` or provide a TokenStore that holds them"
      })
    }
    const client = (options.transformClient ?? ((c: HttpClient.HttpClient) => c))(yield* HttpClient.HttpClient).pipe(
      HttpClient.withTracerDisabledWhen(() => true)
    )
    const requestInit = yield* Effect.serviceOption(FetchHttpClient.RequestInit)
    const scope = yield* Effect.scope
    const margin = Duration.toMillis(options.refreshMargin ?? Duration.seconds(60))
    const timeout = Duration.decode(options.refreshTimeout ?? Duration.seconds(30))
    const tokenUrl = `${server.base}/oauth/token/`
    const state: OAuthState = { tokens: initial.value, generation: 0, inflight: undefined, terminal: undefined }
    // replaced tokens are still masked: a late error may echo the token it was sent with
    const retired: Array<Redacted.Redacted<string>> = []
    const secrets = (): ReadonlyArray<Redacted.Redacted<string>> => [
      state.tokens.accessToken,
      state.tokens.refreshToken,
      options.clientSecret,
      ...retired
    ]
    const mask = makeMasker(secrets)

    const credentialOf = (tokens: TokenStore.Tokens, generation: number): Credential => ({
      kind: "oauth",
      generation,
      url: (method) => Redacted.make(`${portal.base}/rest/${method}`),
      displayUrl: (method) => `${portal.base}/rest/${method}`,
      body: { auth: tokens.accessToken }
    })

    const requestTokens = (held: TokenStore.Tokens): Effect.Effect<TokenStore.Tokens, Bitrix24Error> =>
      Effect.gen(function* () {
        const requestId = makeRequestId()
        const heldMask = makeMasker(() => [...secrets(), held.accessToken, held.refreshToken])
        const ctx = { method: "oauth.token", requestId, mask: heldMask, source: "oauth" as const }
        const request = HttpClientRequest.post(tokenUrl).pipe(
          HttpClientRequest.setHeaders({ "User-Agent": userAgent, "X-Request-Id": requestId }),
          HttpClientRequest.acceptJson,
          HttpClientRequest.bodyUrlParams({
            grant_type: "refresh_token",
            client_id: options.clientId,
            client_secret: Redacted.value(options.clientSecret),
            refresh_token: Redacted.value(held.refreshToken)
          })
        )
        const raw = yield* exchange(client, request, ctx, timeout, requestInit)
        const outcome = yield* classify(ctx, raw.status, raw.contentType, raw.text)
        if (outcome._tag === "Envelope") return yield* envelopeError(ctx, raw.status, outcome.envelope)
        // the new tokens are secrets too: mask them out of any decode error
        const fresh = [outcome.body.access_token, outcome.body.refresh_token].filter(
          (v): v is string => typeof v === "string"
        )
        const decoded = yield* decodeBody(
          { ...ctx, mask: makeMasker(() => [...secrets(), held.accessToken, held.refreshToken, ...fresh]) },
          raw.status,
          OAuthToken.TokenResponse,
          outcome.body
        )
        // `expires_in` on the local clock: the absolute `expires` is the server's clock, skewed from ours
        const now = yield* Clock.currentTimeMillis
        return TokenStore.tokens({
          accessToken: decoded.access_token,
          refreshToken: decoded.refresh_token,
          expiresAt: DateTime.unsafeMake(now + decoded.expires_in * 1000)
        })
      }).pipe(
        Effect.withSpan("Bitrix24Auth.refresh", {
          kind: "client",
          captureStackTrace: false,
          attributes: { "http.request.method": "POST", "url.full": tokenUrl }
        })
      )

    // a store shared by several processes renews under its lock; otherwise renew here, then save
    const renewTokens = (held: TokenStore.Tokens): Effect.Effect<TokenStore.Tokens, Bitrix24Error> =>
      store.renew !== undefined
        ? store.renew(held, requestTokens).pipe(
            Effect.catchIf(
              (error): error is TokenStoreError => error instanceof TokenStoreError,
              // nothing was sent: a failure to reach the store is a transient transport problem of this call
              (error) =>
                Effect.fail(
                  new NetworkError({
                    method: "oauth.token",
                    requestId: makeRequestId(),
                    description: mask(error.message)
                  })
                )
            )
          )
        : requestTokens(held).pipe(
            Effect.tap((tokens) =>
              store
                .save(tokens)
                .pipe(
                  Effect.catchAll((error) =>
                    Effect.logError("Saving the renewed OAuth tokens failed; they are kept in memory").pipe(
                      Effect.annotateLogs({ error: mask(error.message) })
                    )
                  )
                )
            )
          )

    const runRefresh = (deferred: Deferred.Deferred<Credential, Bitrix24Error>) =>
      renewTokens(state.tokens).pipe(
        Effect.onExit((exit) =>
          Effect.suspend(() => {
            state.inflight = undefined
            if (Exit.isSuccess(exit)) {
              retired.unshift(state.tokens.accessToken, state.tokens.refreshToken)
              retired.length = Math.min(retired.length, 8)
              state.tokens = exit.value
              state.generation += 1
              return Effect.zipRight(
                Effect.logInfo("OAuth tokens renewed").pipe(Effect.annotateLogs({ generation: state.generation })),
                Deferred.succeed(deferred, credentialOf(state.tokens, state.generation))
              )
            }
            const failure = exit.cause
            return Effect.zipRight(
              Effect.sync(() => {
                const error = Option.getOrUndefined(Cause.failureOption(failure))
                if (error !== undefined && isBitrix24Error(error) && isTerminal(error)) state.terminal = error
              }),
              Deferred.failCause(deferred, failure)
            )
          })
        )
      )

    const refresh = (seen: number): Effect.Effect<Credential, Bitrix24Error> =>
      Effect.suspend(() => {
        if (state.terminal !== undefined) return Effect.fail(state.terminal)
        if (state.generation !== seen) return Effect.succeed(credentialOf(state.tokens, state.generation))
        if (state.inflight !== undefined) return Deferred.await(state.inflight)
        const deferred = Deferred.unsafeMake<Credential, Bitrix24Error>(FiberId.none)
        state.inflight = deferred
        // forked into the layer's scope: one caller's interruption must not cancel everyone's renewal. Its outcome
        // reaches every caller through the deferred, so the fiber itself ends with it (else the runtime logs its
        // failure as "Fiber terminated with an unhandled error")
        return Effect.zipRight(Effect.forkIn(Effect.exit(runRefresh(deferred)), scope), Deferred.await(deferred))
      })

    const credential: Effect.Effect<Credential, Bitrix24Error> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      if (state.terminal !== undefined) return Effect.fail(state.terminal)
      const expiresAt = state.tokens.expiresAt
      if (renews && expiresAt !== undefined && expiresAt.epochMillis - margin <= now) return refresh(state.generation)
      return Effect.succeed(credentialOf(state.tokens, state.generation))
    })

    return Bitrix24Auth.of({
      kind: "oauth",
      portal: portal.base,
      origin: portal.origin,
      identity:
        options.userId === undefined ? `oauth:${options.clientId}` : `oauth:${options.clientId}:${options.userId}`,
      credential,
      renew: (stale) =>
        renews ? Effect.map(refresh(stale.generation), Option.some) : Effect.succeed(Option.none<Credential>()),
      secrets
    })
  })

/**
 * OAuth as a layer. It requires the `TokenStore` that keeps and saves the pair: provide it to this layer
 * (`Layer.provide(TokenStore.layerFile("tokens.json"))`); a store merged beside it instead is a type error, since the
 * requirement stays open.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerOAuth = (
  options: OAuthOptions
): Layer.Layer<Bitrix24Auth, InvalidEndpoint | TokenStoreError, HttpClient.HttpClient | TokenStore.TokenStore> =>
  Layer.scoped(Bitrix24Auth, oauth(options))

const url = (name: string, what: string): Config.Config<string> =>
  Config.mapOrFail(Config.string(name), (value) =>
    Either.match(parseBase(value, what), {
      onLeft: (error) => Either.left(ConfigError.InvalidData([name], error.description)),
      onRight: () => Either.right(value)
    })
  )

/**
 * `BITRIX24_WEBHOOK_URL`, redacted and checked (shape and https) without ever echoing it.
 *
 * @since 0.1.0
 * @category config
 */
export const webhookConfig: Config.Config<Redacted.Redacted<string>> = Config.mapOrFail(
  Config.redacted("BITRIX24_WEBHOOK_URL"),
  (value) =>
    Either.match(parseWebhook(value), {
      onLeft: (error) => Either.left(ConfigError.InvalidData(["BITRIX24_WEBHOOK_URL"], error.description)),
      onRight: () => Either.right(value)
    })
)

const expiresAtConfig = (name: string): Config.Config<DateTime.Utc> =>
  Config.mapOrFail(Config.string(name), (value) => {
    const seconds = Number(value)
    const parsed =
      value.trim() !== "" && Number.isFinite(seconds) ? DateTime.make(seconds * 1000) : DateTime.make(value)
    return Option.match(parsed, {
      onNone: () => Either.left(ConfigError.InvalidData([name], "Expected Unix seconds or an ISO-8601 date-time")),
      onSome: (dt) => Either.right(dt)
    })
  })

/**
 * The OAuth settings from `BITRIX24_PORTAL_URL`, `BITRIX24_CLIENT_ID`, `BITRIX24_CLIENT_SECRET`,
 * `BITRIX24_ACCESS_TOKEN`, `BITRIX24_REFRESH_TOKEN`, and optionally `BITRIX24_TOKEN_EXPIRES_AT`
 * (Unix seconds or ISO-8601), `BITRIX24_OAUTH_SERVER_URL` and `BITRIX24_REFRESH_MARGIN` (a duration,
 * e.g. `60 seconds`).
 *
 * @since 0.1.0
 * @category config
 */
export const oauthConfig: Config.Config<OAuthOptions> = Config.all({
  portalUrl: url("BITRIX24_PORTAL_URL", "BITRIX24_PORTAL_URL"),
  clientId: Config.nonEmptyString("BITRIX24_CLIENT_ID"),
  clientSecret: Config.redacted("BITRIX24_CLIENT_SECRET"),
  accessToken: Config.redacted("BITRIX24_ACCESS_TOKEN"),
  refreshToken: Config.redacted("BITRIX24_REFRESH_TOKEN"),
  expiresAt: Config.option(expiresAtConfig("BITRIX24_TOKEN_EXPIRES_AT")),
  oauthServerUrl: Config.withDefault(url("BITRIX24_OAUTH_SERVER_URL", "BITRIX24_OAUTH_SERVER_URL"), defaultOAuthServer),
  refreshMargin: Config.option(Config.duration("BITRIX24_REFRESH_MARGIN"))
}).pipe(
  Config.map(
    (c): OAuthOptions => ({
      portalUrl: c.portalUrl,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      tokens: TokenStore.tokens({
        accessToken: c.accessToken,
        refreshToken: c.refreshToken,
        expiresAt: Option.getOrUndefined(c.expiresAt)
      }),
      oauthServerUrl: c.oauthServerUrl,
      refreshMargin: Option.getOrUndefined(c.refreshMargin)
    })
  )
)

/**
 * What {@link layerConfig} is given besides the environment.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions<E = never, R = never> {
  /**
   * Where OAuth keeps and saves its token pair, when the environment configures OAuth (never built for a webhook):
   * `TokenStore.layerFile(path)`, your own store. Without it OAuth does not renew (see {@link layerConfig}).
   */
  readonly tokenStore?: Layer.Layer<TokenStore.TokenStore, E, R> | undefined
}

/**
 * The authorization the environment configures: the webhook when `BITRIX24_WEBHOOK_URL` is set
 * ({@link webhookConfig}), OAuth otherwise ({@link oauthConfig}). Missing or invalid variables fail with a `ConfigError` naming them; secrets are never echoed.
 *
 * OAuth renews its tokens only with a place to save them: with `tokenStore` the pair in the store wins over the
 * variables' pair, and every renewed pair is saved to the store before it is used. Without `tokenStore` the access
 * token of `BITRIX24_ACCESS_TOKEN` is used as given and never renewed (a renewal nobody saves would retire the
 * refresh token of `BITRIX24_REFRESH_TOKEN` for the next start): once the portal says it expired, calls fail with
 * that `AuthError` (`expired_token`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = <E = never, R = never>(
  options?: ConfigOptions<E, R>
): Layer.Layer<
  Bitrix24Auth,
  ConfigError.ConfigError | InvalidEndpoint | TokenStoreError | E,
  HttpClient.HttpClient | R
> =>
  Layer.scoped(
    Bitrix24Auth,
    Effect.gen(function* () {
      const hook = yield* Config.option(Config.redacted("BITRIX24_WEBHOOK_URL"))
      if (Option.isSome(hook)) return yield* Effect.flatMap(webhookConfig, webhook)
      const oauthOptions = yield* Effect.mapError(oauthConfig, (error) =>
        ConfigError.Or(
          ConfigError.MissingData(
            ["BITRIX24_WEBHOOK_URL"],
            "Set BITRIX24_WEBHOOK_URL for a webhook, or BITRIX24_PORTAL_URL, BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET, BITRIX24_ACCESS_TOKEN and BITRIX24_REFRESH_TOKEN for OAuth"
          ),
          error
        )
      )
      if (options?.tokenStore === undefined) {
        return yield* makeOAuth(oauthOptions, yield* TokenStore.makeInMemoryOnly(), false)
      }
      const context = yield* Layer.build(options.tokenStore)
      return yield* makeOAuth(oauthOptions, Context.get(context, TokenStore.TokenStore), true)
    })
  )
