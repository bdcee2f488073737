/**
 * The emulator's OAuth token endpoint, counted: how many token requests it answered and how many of them were
 * `invalid_grant` (a refresh token sent again after the portal retired it). In process (a `fetch` over its web
 * handler, on the test's clock) or on a loopback port (for child processes, on the real clock).
 */
import { FetchHttpClient, HttpServer, HttpServerRequest, type HttpServerResponse } from "@effect/platform"
import * as HttpApp from "@effect/platform/HttpApp"
import { NodeHttpServer } from "@effect/platform-node"
import { Bitrix24, OperatingBudget, RequestThrottle, RetrySchedule, TokenStore } from "@im-recent/client"
import { Emulator, NodeServer } from "@im-recent/emulator"
import { type DateTime, Effect, Layer, Redacted, Schema } from "effect"

export interface Counts {
  /** Token requests answered. */
  tokenRequests: number
  /** Of those, `400 invalid_grant`. */
  invalidGrant: number
}

export interface Counted {
  readonly counts: Counts
  readonly publicUrl: string
  readonly credentials: Emulator.OAuthCredentials
  /** The pair the portal holds now (a renewal replaces it). */
  readonly current: Effect.Effect<Emulator.OAuthCredentials>
}

const isTokenPath = (url: string) => new URL(url, "http://x").pathname === "/oauth/token/"

const credentialsOf = (emulator: Emulator.Service) =>
  Effect.flatMap(Emulator.oauthCredentials(emulator), (credentials) =>
    credentials === undefined
      ? Effect.dieMessage("the generated portal has no OAuth application")
      : Effect.succeed(credentials)
  )

/** The emulator in process, in the test's context (so on its clock), and a `fetch` to it that counts. */
export const inProcess = (startAt: string) =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ startAt, rateLimit: false, operatingLimit: false })
    const handler = HttpApp.toWebHandlerRuntime(yield* Effect.runtime<never>())(emulator.app)
    const counts: Counts = { tokenRequests: 0, invalidGrant: 0 }
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      const response = await handler(request)
      if (isTokenPath(request.url)) {
        counts.tokenRequests += 1
        const body = (await response.clone().json()) as { error?: unknown }
        if (body.error === "invalid_grant") counts.invalidGrant += 1
      }
      return response
    }) as typeof globalThis.fetch
    return {
      counts,
      fetch,
      publicUrl: emulator.publicUrl,
      credentials: yield* credentialsOf(emulator),
      current: credentialsOf(emulator)
    } satisfies Counted & { readonly fetch: typeof globalThis.fetch }
  })

/** The emulator on a free loopback port (real clock), counting the token endpoint's answers. */
export const onLoopback = Effect.gen(function* () {
  const server = yield* HttpServer.HttpServer
  const publicUrl = Emulator.addressUrl(server.address)
  const emulator = yield* Emulator.make({ publicUrl, rateLimit: false, operatingLimit: false })
  const counts: Counts = { tokenRequests: 0, invalidGrant: 0 }
  const decoder = new TextDecoder()
  const app = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    Effect.tap(emulator.app, (response: HttpServerResponse.HttpServerResponse) =>
      Effect.sync(() => {
        if (!isTokenPath(request.url)) return
        counts.tokenRequests += 1
        if (response.body._tag === "Uint8Array") {
          const body = JSON.parse(decoder.decode(response.body.body)) as { error?: unknown }
          if (body.error === "invalid_grant") counts.invalidGrant += 1
        }
      })
    )
  )
  yield* HttpServer.serveEffect(app)
  return {
    counts,
    publicUrl,
    credentials: yield* credentialsOf(emulator),
    current: credentialsOf(emulator)
  } satisfies Counted
}).pipe(Effect.provide(NodeHttpServer.layer(() => NodeServer.make(), { port: 0, host: "127.0.0.1" })))

/** The pair as the client holds it, expiring at `expiresAt`. */
export const pairOf = (credentials: Emulator.OAuthCredentials, expiresAt: DateTime.Utc) =>
  TokenStore.tokens({
    accessToken: Redacted.make(credentials.accessToken),
    refreshToken: Redacted.make(credentials.refreshToken),
    expiresAt
  })

/**
 * A `Bitrix24` client of the emulator's OAuth application with its own store, no retries, over `FetchHttpClient`
 * (in process, provide the emulator's `fetch` as `FetchHttpClient.Fetch` to the calls).
 */
export const client = (
  emulator: Counted,
  store: Layer.Layer<TokenStore.TokenStore, unknown>,
  tokens?: TokenStore.Tokens
) =>
  Bitrix24.layerOAuth(
    {
      portalUrl: emulator.publicUrl,
      oauthServerUrl: emulator.publicUrl,
      clientId: emulator.credentials.clientId,
      clientSecret: Redacted.make(emulator.credentials.clientSecret),
      userId: emulator.credentials.userId,
      tokens
    },
    { retry: RetrySchedule.none }
  ).pipe(
    Layer.provide(store),
    Layer.provide(Layer.mergeAll(FetchHttpClient.layer, RequestThrottle.layerIsolated, OperatingBudget.layerIsolated)),
    Layer.orDie
  )

/** One REST call (the caller's recent list): what a worker does with its access token. */
export const callPortal = Effect.flatMap(Bitrix24.Bitrix24, (bitrix) =>
  bitrix.call("im.recent.get", {}, Schema.Struct({ result: Schema.Unknown }))
)
