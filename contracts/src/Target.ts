/**
 * What a contract suite runs against: a client stack pointed at a server, and what that server can
 * show. Three targets ship: the documented examples replayed by msw, the emulator over real
 * loopback HTTP, and a live portal.
 *
 * @since 0.1.0
 */

import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import {
  Bitrix24,
  Bitrix24Auth,
  ImRecent,
  OperatingBudget,
  RequestThrottle,
  RetrySchedule,
  TokenStore
} from "@im-recent/client"
import { RateLimit } from "@im-recent/domain"
import { Emulator, ExamplePortal, NodeServer, type PortalState } from "@im-recent/emulator"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as SynchronizedRef from "effect/SynchronizedRef"
import { setupServer } from "msw/node"
import type * as Fixtures from "./Fixtures.js"
import * as Replay from "./Replay.js"

/**
 * The failures a contract checks the client's mapping of.
 *
 * @since 0.1.0
 * @category models
 */
export type Failure = Replay.Failure | "insufficient_scope"

/**
 * The raw side of a target, for checks on the wire text itself.
 *
 * @since 0.1.0
 * @category models
 */
export interface EndpointService {
  /** POSTs `params` as JSON to `method` with the target's credentials; the status and the body text. */
  readonly raw: (
    method: string,
    params: Readonly<Record<string, unknown>>
  ) => Effect.Effect<{ readonly status: number; readonly text: string }>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Endpoint extends Context.Tag("@im-recent/contracts/Endpoint")<Endpoint, EndpointService>() {}

/**
 * What the suite needs in context: the client and the raw endpoint.
 *
 * @since 0.1.0
 * @category models
 */
export type Services = ImRecent.ImRecent | Bitrix24.Bitrix24 | Endpoint

/**
 * A target and what it can show. A check the target cannot show is skipped with the reason.
 *
 * - `strict`: decoding forbids properties the schemas don't know (catches drift; off on live portals,
 *   which may run newer builds);
 * - `documented`: the target answers exactly the documented example in that language;
 * - `stateful`: parameters change the answer (filters, windows);
 * - `mutations`: the suite may pin, unpin and mark items;
 * - `failing`: a client whose first call meets a failure, for each failure the target can produce.
 *
 * @since 0.1.0
 * @category models
 */
export interface Target {
  readonly name: string
  readonly strict: boolean
  readonly documented: Fixtures.Language | undefined
  readonly stateful: boolean
  readonly mutations: boolean
  readonly services: Layer.Layer<Services, unknown>
  readonly failing: (failure: Failure) => Option.Option<Layer.Layer<Services, unknown>>
  /** Why the whole target is skipped, if it is. */
  readonly skip?: string | undefined
}

/** The client as the suite uses it: retries off, so the first failure is what the test sees. */
const clientOptions = (rateLimit?: RateLimit.Settings): Bitrix24.Options => ({
  retry: RetrySchedule.none,
  rateLimit: rateLimit ?? RateLimit.make(10_000, 1_000)
})

/** Raw calls go through the global `fetch` (which msw patches for the replay target). */
const endpointLayer = (webhookUrl: string) =>
  Layer.succeed(Endpoint, {
    raw: (method: string, params: Readonly<Record<string, unknown>>) =>
      Effect.promise(async () => {
        const response = await fetch(`${webhookUrl}${method}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(params)
        })
        return { status: response.status, text: await response.text() }
      })
  })

/**
 * Each client stack gets its own rate-limit buckets and operating budgets: a pause the client takes
 * after a provoked 429 must not hold up the next check.
 */
const isolated = Layer.merge(RequestThrottle.layerIsolated, OperatingBudget.layerIsolated)

const webhookServices = (
  webhookUrl: string,
  http: Layer.Layer<HttpClient.HttpClient>,
  options: Bitrix24.Options = clientOptions()
): Layer.Layer<Services, unknown> =>
  Layer.mergeAll(ImRecent.layer, endpointLayer(webhookUrl)).pipe(
    Layer.provideMerge(Bitrix24.layerWebhook(Redacted.make(webhookUrl), options)),
    Layer.provide(Layer.mergeAll(http, isolated))
  )

/**
 * The documented examples replayed by msw at a fake portal origin: what the docs promise, exactly.
 * Runs msw's `setupServer` for the layer's lifetime; run it in its own test file (msw is global).
 *
 * @since 0.1.0
 * @category targets
 */
export const replay = (language: Fixtures.Language = "en"): Target => {
  const baseUrl = `https://replay-${language}.bitrix24.test`
  const webhookUrl = `${baseUrl}/rest/1/replaywebhookcode/`
  const server = Layer.scopedDiscard(
    Effect.acquireRelease(
      Effect.sync(() => {
        const server = setupServer(...Replay.handlers({ baseUrl, language }))
        server.listen({ onUnhandledRequest: "error" })
        return server
      }),
      (server) => Effect.sync(() => server.close())
    )
  )
  const withFailure = (failure: Failure) =>
    failure === "insufficient_scope"
      ? Option.none()
      : Option.some(
          Layer.scopedDiscard(
            Effect.acquireRelease(
              Effect.sync(() => {
                const server = setupServer(Replay.error(failure, { baseUrl, language }))
                server.listen({ onUnhandledRequest: "error" })
                return server
              }),
              (server) => Effect.sync(() => server.close())
            )
          )
        )
  return {
    name: `documented examples (${language.toUpperCase()}) replayed by msw`,
    strict: true,
    documented: language,
    stateful: false,
    mutations: true,
    services: webhookServices(webhookUrl, FetchHttpClient.layer).pipe(Layer.provideMerge(server)),
    failing: (failure) =>
      Option.map(withFailure(failure), (layer) =>
        webhookServices(webhookUrl, FetchHttpClient.layer).pipe(Layer.provideMerge(layer))
      )
  }
}

/**
 * The emulator over real loopback HTTP (a Node server on a free port, `NodeHttpClient`).
 *
 * @since 0.1.0
 * @category models
 */
export interface EmulatorOptions extends Omit<Emulator.Options, "publicUrl" | "scheme"> {
  /** Which webhook of the state the client uses (default: the first with the `im` scope). */
  readonly userId?: number | undefined
}

const emulatorServer = (options: Emulator.Options) =>
  Emulator.layer(options).pipe(
    Layer.provide(NodeHttpServer.layer(() => NodeServer.make(), { port: 0, host: "127.0.0.1" }))
  )

const emulatorServices = (
  options: EmulatorOptions,
  pick: (webhooks: ReadonlyArray<{ userId: number; url: string; scopes: ReadonlyArray<string> }>) => string,
  client: Bitrix24.Options = clientOptions()
): Layer.Layer<Services, unknown> =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const service = yield* Emulator.Emulator
      const state = yield* service.portal.state.get
      const urls = yield* Emulator.webhookUrls(service)
      const webhooks = urls.map((hook, i) => ({ ...hook, scopes: state.webhooks[i]!.scopes }))
      return webhookServices(pick(webhooks), NodeHttpClient.layerUndici, client)
    })
  ).pipe(Layer.provide(emulatorServer(options)))

const withIm =
  (userId: number | undefined) =>
  (webhooks: ReadonlyArray<{ userId: number; url: string; scopes: ReadonlyArray<string> }>): string => {
    const hook = webhooks.find((hook) => hook.scopes.includes("im") && (userId === undefined || hook.userId === userId))
    if (hook === undefined)
      throw new Error(`no webhook with the im scope${userId === undefined ? "" : ` for user ${userId}`}`)
    return hook.url
  }

/**
 * The emulator with a generated portal (or `state`), over loopback HTTP.
 *
 * @since 0.1.0
 * @category targets
 */
export const emulator = (options: EmulatorOptions = {}): Target => {
  const { userId, ...emulatorOptions } = options
  const failing = (failure: Failure): Option.Option<Layer.Layer<Services, unknown>> => {
    const faults = (settings: Emulator.Options["faults"]) =>
      Option.some(emulatorServices({ ...emulatorOptions, faults: settings }, withIm(userId)))
    switch (failure) {
      case "INVALID_CREDENTIALS":
        return Option.some(
          emulatorServices(emulatorOptions, (hooks) =>
            withIm(userId)(hooks).replace(/\/rest\/(\d+)\/[^/]+\//, "/rest/$1/wrongcode/")
          )
        )
      case "insufficient_scope":
        return Option.some(
          emulatorServices(emulatorOptions, (hooks) => {
            const hook = hooks.find((hook) => !hook.scopes.includes("im"))
            if (hook === undefined) throw new Error("the portal has no webhook without the im scope")
            return hook.url
          })
        )
      case "QUERY_LIMIT_EXCEEDED":
        return Option.some(
          emulatorServices({ ...emulatorOptions, rateLimit: { burst: 1, drainPerSecond: 0.001 } }, withIm(userId))
        )
      case "OPERATION_TIME_LIMIT":
        return Option.some(
          emulatorServices({ ...emulatorOptions, operatingLimit: { limitSeconds: 1, cost: 5 } }, withIm(userId))
        )
      case "OVERLOAD_LIMIT":
        return faults({ overload: { every: 1 } })
      case "INTERNAL_SERVER_ERROR":
        return faults({ internalError: { every: 1 } })
      case "html502":
        return faults({ badGateway: { every: 1 } })
      case "expired_token":
        return Option.none()
    }
  }
  return {
    name: "the emulator over loopback HTTP",
    strict: true,
    documented: undefined,
    stateful: true,
    mutations: true,
    services: emulatorServices({ rateLimit: false, ...emulatorOptions }, withIm(userId)),
    failing
  }
}

/**
 * The emulator holding the portal behind the documented example, at the example's time: it must
 * answer exactly the documented JSON.
 *
 * @since 0.1.0
 * @category targets
 */
export const documentedEmulator = (language: Fixtures.Language): Target => {
  const example = ExamplePortal.recentGet(language)
  const state: PortalState.PortalState = {
    ...example.state,
    // A second webhook of the same user without the im scope, for the insufficient_scope check.
    webhooks: [
      ...example.state.webhooks,
      { userId: example.userId, code: "example-no-im", scopes: ["task"], expiresAt: null }
    ]
  }
  return {
    ...emulator({ state, startAt: example.now, timeZone: "Europe/Moscow", userId: example.userId }),
    name: `the emulator holding the documented example (${language.toUpperCase()})`,
    documented: language,
    stateful: false
  }
}

/**
 * A live portal, from `BITRIX24_WEBHOOK_URL`. Skipped (with the reason printed) when it is not set.
 * Mutating checks (pin and unpin an item) run only with `BITRIX24_CONTRACT_MUTATIONS=Y`.
 *
 * @since 0.1.0
 * @category targets
 */
export const live = (): Target => {
  const webhook = Effect.runSync(Effect.option(Config.redacted("BITRIX24_WEBHOOK_URL")))
  const mutations = Effect.runSync(Config.string("BITRIX24_CONTRACT_MUTATIONS").pipe(Config.withDefault("N"))) === "Y"
  const base = {
    name: "a live portal (BITRIX24_WEBHOOK_URL)",
    strict: false,
    documented: undefined,
    stateful: true,
    mutations
  } as const
  if (Option.isNone(webhook)) {
    return {
      ...base,
      services: Layer.die("no live portal configured"),
      failing: () => Option.none(),
      skip: "BITRIX24_WEBHOOK_URL is not set; set it to a webhook with the im scope to run the contracts against a live portal"
    }
  }
  const url = Redacted.value(webhook.value)
  return {
    ...base,
    services: webhookServices(url, FetchHttpClient.layer, { rateLimit: RateLimit.standard }),
    failing: (failure) =>
      failure === "INVALID_CREDENTIALS"
        ? Option.some(
            webhookServices(url.replace(/\/rest\/(\d+)\/[^/]+\//, "/rest/$1/wrongcode/"), FetchHttpClient.layer)
          )
        : Option.none()
  }
}

/**
 * An OAuth client against the emulator whose access token the portal already considers expired:
 * the client must renew it through `/oauth/token/` and succeed.
 *
 * @since 0.1.0
 * @category targets
 */
export const emulatorWithExpiredToken = (options: Emulator.Options = {}) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const service = yield* Emulator.Emulator
      const state = yield* service.portal.state.get
      const pair = state.oauthTokens[0]
      const app = state.oauthApps.find((app) => app.clientId === pair?.clientId)
      if (pair === undefined || app === undefined) return yield* Effect.die("the portal has no OAuth token pair")
      const now = yield* DateTime.now
      const store = yield* TokenStore.makeInMemoryOnly(
        TokenStore.tokens({
          accessToken: Redacted.make(pair.accessToken),
          refreshToken: Redacted.make(pair.refreshToken),
          // The client believes the token is fresh; the portal expired it an hour ago.
          expiresAt: DateTime.add(now, { hours: 1 })
        })
      )
      yield* SynchronizedRef.update(service.portal.state, (current) => ({
        ...current,
        oauthTokens: current.oauthTokens.map((token) =>
          token.accessToken === pair.accessToken
            ? { ...token, accessExpiresAt: Math.floor(DateTime.toEpochMillis(now) / 1000) - 3600 }
            : token
        )
      }))
      return Layer.mergeAll(
        ImRecent.layer.pipe(
          Layer.provideMerge(
            Layer.provide(
              Bitrix24.layer(clientOptions()),
              Bitrix24Auth.layerOAuth({
                portalUrl: service.publicUrl,
                clientId: app.clientId,
                clientSecret: Redacted.make(app.clientSecret),
                oauthServerUrl: service.publicUrl
              })
            )
          ),
          Layer.provide(NodeHttpClient.layerUndici)
        ),
        Layer.succeed(TokenStore.TokenStore, store)
      ).pipe(Layer.provide(Layer.succeed(TokenStore.TokenStore, store)))
    })
  ).pipe(Layer.provide(emulatorServer({ rateLimit: false, ...options })))
