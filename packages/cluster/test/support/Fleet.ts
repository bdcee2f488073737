/**
 * A fleet of emulated portals in the test process, each on its own loopback port and seed, whose answers are counted
 * at the HTTP boundary: REST requests (with their times, for the request rate), `QUERY_LIMIT_EXCEEDED` answers, and
 * refused token renewals (`invalid_grant`: a refresh token used twice). Every portal's OAuth application is the same
 * one (`application`), as a marketplace app's is on every portal. Users post messages inside the portal (not over
 * REST, so the writers never spend the mirror's request budget).
 */
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Emulator, Generator, NodeServer } from "@im-recent/emulator"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"

export const application = {
  clientId: "local.imrecentcluster.00000001",
  clientSecret: "cluster-test-client-secret-0123456789abcdefghijklmnopqrstuv"
}

export interface Counters {
  /** Arrival times (epoch ms) of REST requests. */
  readonly requests: Array<number>
  queryLimitExceeded: number
  invalidGrant: number
  renewals: number
}

export interface Portal {
  readonly service: Emulator.Service
  readonly domain: string
  readonly webhooks: ReadonlyArray<{ readonly userId: number; readonly url: string }>
  readonly counters: Counters
  readonly oauth: Emulator.OAuthCredentials
  /** `from` posts `text` to `to`'s dialog, inside the portal. */
  readonly post: (from: number, to: number, text: string) => Effect.Effect<void>
}

export interface Settings {
  readonly seed: number
  readonly users?: number | undefined
  readonly accessTokenLifetime?: number | undefined
  readonly rateLimit?: false | { readonly burst?: number; readonly drainPerSecond?: number } | undefined
}

export const start = (settings: Settings): Effect.Effect<Portal, never, Scope.Scope> =>
  Effect.gen(function* () {
    const context = yield* Layer.build(
      NodeHttpServer.layer(() => NodeServer.make(), { port: 0, host: "127.0.0.1" }).pipe(Layer.orDie)
    )
    const server = yield* Effect.provide(HttpServer.HttpServer, context)
    const publicUrl = Emulator.addressUrl(server.address)
    const generated = Generator.generate({
      ...Generator.defaults(yield* DateTime.now),
      seed: settings.seed,
      users: settings.users ?? 4,
      chats: 2,
      messages: { perChat: 3 }
    })
    const state = {
      ...generated,
      oauthApps: generated.oauthApps.map((app) => ({ ...app, ...application })),
      oauthTokens: generated.oauthTokens.map((pair) => ({ ...pair, clientId: application.clientId }))
    }
    const service = yield* Emulator.make({
      state,
      publicUrl,
      rateLimit: settings.rateLimit,
      ...(settings.accessTokenLifetime === undefined ? {} : { accessTokenLifetime: settings.accessTokenLifetime })
    }).pipe(Effect.orDie)
    const counters: Counters = { requests: [], queryLimitExceeded: 0, invalidGrant: 0, renewals: 0 }
    const counted = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const isToken = request.url.startsWith("/oauth/token")
      if (request.url.startsWith("/rest/")) counters.requests.push(Date.now())
      const response = yield* service.app
      if (response.status === 503) counters.queryLimitExceeded += 1
      if (isToken) {
        if (response.status === 200) counters.renewals += 1
        else counters.invalidGrant += 1
      }
      return response
    })
    yield* Layer.buildWithScope(HttpServer.serve(counted), yield* Effect.scope).pipe(
      Effect.provide(context),
      Effect.orDie
    )
    const hooks = yield* Emulator.webhookUrls(service)
    // fired employees keep their webhooks, and the portal refuses them
    const active = new Set(state.users.filter((user) => user.active).map((user) => user.id))
    const method = service.portal.methods.get("im.message.add")!
    return {
      service,
      domain: new URL(publicUrl).host,
      webhooks: hooks
        .filter((hook) => hook.scopes.includes("im") && active.has(hook.userId))
        .map(({ userId, url }) => ({ userId, url })),
      counters,
      oauth: (yield* Emulator.oauthCredentials(service))!,
      post: (from, to, text) =>
        Effect.flatMap(DateTime.now, (now) =>
          method.handler({ userId: from, now, state: service.portal.state }, { DIALOG_ID: String(to), MESSAGE: text })
        ).pipe(Effect.ignore)
    }
  })
