/**
 * The emulator's OAuth token endpoint, counted: how many token requests it answered and how many of them were
 * `invalid_grant` (a refresh token sent again after the portal retired it). In process (a `fetch` over its web
 * handler, on the test's clock) or on a loopback port (for child processes, on the real clock).
 */
import { HttpServer, HttpServerRequest, type HttpServerResponse } from "@effect/platform"
import * as HttpApp from "@effect/platform/HttpApp"
import { NodeHttpServer } from "@effect/platform-node"
import { TokenStore } from "@im-recent/client"
import { Emulator, NodeServer } from "@im-recent/emulator"
import { Context, type DateTime, Effect, Layer, Redacted } from "effect"
import type * as OAuthClient from "./OAuthClient.js"

export interface Counts {
  /** Token requests answered. */
  tokenRequests: number
  /** Of those, `400 invalid_grant`. */
  invalidGrant: number
}

export interface Counted {
  readonly counts: Counts
  readonly publicUrl: string
  /** The application as its clients see it. */
  readonly application: OAuthClient.Application
  readonly credentials: Emulator.OAuthCredentials
  /** The pair the portal holds now (a renewal replaces it). */
  readonly current: Effect.Effect<Emulator.OAuthCredentials>
}

const isTokenPath = (url: string) => new URL(url, "http://x").pathname === "/oauth/token/"

const applicationOf = (credentials: Emulator.OAuthCredentials, publicUrl: string): OAuthClient.Application => ({
  publicUrl,
  clientId: credentials.clientId,
  clientSecret: credentials.clientSecret,
  userId: credentials.userId
})

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
    const credentials = yield* credentialsOf(emulator)
    return {
      counts,
      fetch,
      publicUrl: emulator.publicUrl,
      application: applicationOf(credentials, emulator.publicUrl),
      credentials,
      current: credentialsOf(emulator)
    } satisfies Counted & { readonly fetch: typeof globalThis.fetch }
  })

/** The emulator on a free loopback port (real clock), counting the token endpoint's answers. */
export const onLoopback = Effect.gen(function* () {
  // built in the caller's scope: the server stops when that scope closes
  const serverContext = yield* Layer.build(
    NodeHttpServer.layer(() => NodeServer.make(), { port: 0, host: "127.0.0.1" })
  )
  const server = Context.get(serverContext, HttpServer.HttpServer)
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
  yield* HttpServer.serveEffect(app).pipe(Effect.provide(serverContext))
  const credentials = yield* credentialsOf(emulator)
  return {
    counts,
    publicUrl,
    application: applicationOf(credentials, publicUrl),
    credentials,
    current: credentialsOf(emulator)
  } satisfies Counted
})

/** The pair as the client holds it, expiring at `expiresAt`. */
export const pairOf = (credentials: Emulator.OAuthCredentials, expiresAt: DateTime.Utc) =>
  TokenStore.tokens({
    accessToken: Redacted.make(credentials.accessToken),
    refreshToken: Redacted.make(credentials.refreshToken),
    expiresAt
  })
