import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, Bitrix24Auth, Bitrix24Error, RetrySchedule, TokenStore } from "@im-recent/client"
import { RateLimit } from "@im-recent/domain"
import { DateTime, Effect, Fiber, Layer, Logger, LogLevel, Option, Redacted, Ref, TestClock } from "effect"
import { HttpResponse, http } from "msw"
import * as Msw from "./support/Msw.js"

const CLIENT_ID = "local.app.42"
const CLIENT_SECRET = "client-secret-value"
const OLD_ACCESS = "old-access-token"
const OLD_REFRESH = "old-refresh-token"
const NEW_ACCESS = "new-access-token"
const NEW_REFRESH = "new-refresh-token"

/** The documented refresh answer with our tokens; `expires` 1 hour after `now` (seconds). */
const tokenResponse = (now: number, access = NEW_ACCESS, refresh = NEW_REFRESH) => ({
  ...Msw.fixture<Record<string, unknown>>("oauth.token.refresh_token.en.json"),
  access_token: access,
  refresh_token: refresh,
  expires: now + 3600,
  expires_in: 3600
})

interface OAuthServer {
  readonly base: string
  readonly requests: Array<{ url: URL; contentType: string | null; form: URLSearchParams; at: number }>
}

/** An OAuth server on a fresh host answering `/oauth/token/` with `respond`. */
const oauthServer = (respond: (form: URLSearchParams, index: number) => Response) =>
  Effect.gen(function* () {
    const msw = yield* Msw.Msw
    const clock = yield* Effect.clock
    const base = `https://${Msw.uniqueHost("oauth")}`
    const requests: OAuthServer["requests"] = []
    yield* msw.use(
      http.all(`${base}/*`, async ({ request }) => {
        const form = new URLSearchParams(await request.text())
        requests.push({
          url: new URL(request.url),
          contentType: request.headers.get("content-type"),
          form,
          at: clock.unsafeCurrentTimeMillis()
        })
        return respond(form, requests.length - 1)
      })
    )
    return { base, requests } satisfies OAuthServer
  })

/** A portal that accepts `NEW_ACCESS` and answers `expired_token` to anything else. */
const strictPortal = Msw.fakePortal((request) =>
  request.json.auth === NEW_ACCESS
    ? Msw.ok([])
    : Msw.envelope(401, "expired_token", "The access token provided has expired")
)

const oauthLayer = (
  portal: Msw.FakePortal,
  server: OAuthServer,
  options?: {
    readonly expiresAt?: DateTime.Utc
    readonly transport?: Bitrix24.Options
    readonly store?: Layer.Layer<TokenStore.TokenStore>
  }
) =>
  Bitrix24.layerOAuth(
    {
      portalUrl: portal.origin,
      oauthServerUrl: server.base,
      clientId: CLIENT_ID,
      clientSecret: Redacted.make(CLIENT_SECRET),
      tokens: TokenStore.tokens({
        accessToken: Redacted.make(OLD_ACCESS),
        refreshToken: Redacted.make(OLD_REFRESH),
        expiresAt: options?.expiresAt
      })
    },
    { rateLimit: RateLimit.make(1000, 100), retry: RetrySchedule.none, ...options?.transport }
  ).pipe(Layer.provide(Layer.merge(FetchHttpClient.layer, options?.store ?? TokenStore.layerInMemoryOnly())))

describe("Bitrix24Auth (OAuth)", () => {
  it.effect("calls /rest/<method> with auth in the JSON body", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal(() => Msw.ok([]))
      const server = yield* oauthServer(() => Msw.json({}))
      yield* Msw.callGet({ SKIP_CHAT: "Y" }).pipe(Effect.provide(oauthLayer(portal, server)))
      const [request] = portal.requests
      assert.strictEqual(request!.url.pathname, "/rest/im.recent.get")
      assert.strictEqual(request!.url.search, "")
      assert.deepStrictEqual(request!.json, { SKIP_CHAT: "Y", auth: OLD_ACCESS })
      assert.strictEqual(server.requests.length, 0)
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("renews on expired_token: POST /oauth/token/, form-encoded, secrets in the body only", () =>
    Effect.gen(function* () {
      const portal = yield* strictPortal
      const server = yield* oauthServer(() => Msw.json(tokenResponse(0)))
      const store = yield* TokenStore.makeInMemoryOnly()
      yield* Msw.callGet().pipe(Effect.provide(oauthLayer(portal, server, { store: TokenStore.layer(store) })))
      assert.strictEqual(server.requests.length, 1)
      const [refresh] = server.requests
      assert.strictEqual(refresh!.url.pathname, "/oauth/token/")
      assert.strictEqual(refresh!.url.search, "")
      assert.strictEqual(refresh!.contentType, "application/x-www-form-urlencoded")
      assert.deepStrictEqual(Object.fromEntries(refresh!.form), {
        grant_type: "refresh_token",
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        refresh_token: OLD_REFRESH
      })
      for (const secret of [CLIENT_SECRET, OLD_REFRESH, OLD_ACCESS]) {
        assert.notInclude(refresh!.url.toString(), secret)
        for (const request of portal.requests) assert.notInclude(request.url.toString(), secret)
      }
      assert.deepStrictEqual(
        portal.requests.map((r) => r.json.auth),
        [OLD_ACCESS, NEW_ACCESS]
      )
      const saved = Option.getOrThrow(yield* store.current)
      assert.strictEqual(Redacted.value(saved.accessToken), NEW_ACCESS)
      assert.strictEqual(Redacted.value(saved.refreshToken), NEW_REFRESH)
      assert.strictEqual(saved.expiresAt?.epochMillis, 3_600_000)
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("renews shortly before expiry (60 s margin by default), before the call", () =>
    Effect.gen(function* () {
      const portal = yield* strictPortal
      const server = yield* oauthServer(() => Msw.json(tokenResponse(0)))
      yield* TestClock.setTime(1_000_000)
      const layer = oauthLayer(portal, server, { expiresAt: DateTime.unsafeMake(1_000_000 + 59_000) })
      yield* Msw.callGet().pipe(Effect.provide(layer))
      assert.strictEqual(server.requests.length, 1)
      assert.deepStrictEqual(
        portal.requests.map((r) => r.json.auth),
        [NEW_ACCESS]
      )
      // 61 s before expiry: no renewal
      const server2 = yield* oauthServer(() => Msw.json(tokenResponse(0)))
      const portal2 = yield* Msw.fakePortal(() => Msw.ok([]))
      yield* Msw.callGet().pipe(
        Effect.provide(oauthLayer(portal2, server2, { expiresAt: DateTime.unsafeMake(1_000_000 + 61_000) }))
      )
      assert.strictEqual(server2.requests.length, 0)
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("the renewed token is used until shortly before its own expiry, then renewed again", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal(() => Msw.ok([]))
      const server = yield* oauthServer((_, i) => Msw.json(tokenResponse(i * 3600, `access-${i}`, `refresh-${i}`)))
      const program = Effect.gen(function* () {
        yield* Msw.callGet()
        yield* TestClock.setTime(3_600_000 - 61_000)
        yield* Msw.callGet()
        yield* TestClock.setTime(3_600_000 - 59_000)
        yield* Msw.callGet()
      })
      yield* program.pipe(Effect.provide(oauthLayer(portal, server, { expiresAt: DateTime.unsafeMake(0) })))
      assert.deepStrictEqual(
        portal.requests.map((r) => r.json.auth),
        ["access-0", "access-0", "access-1"]
      )
      assert.deepStrictEqual(
        server.requests.map((r) => r.form.get("refresh_token")),
        [OLD_REFRESH, "refresh-0"]
      )
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("single flight: 100 concurrent calls with an expired token -> one refresh, 100 successes", () =>
    Effect.gen(function* () {
      const portal = yield* strictPortal
      const server = yield* oauthServer(() => Msw.json(tokenResponse(0)))
      yield* TestClock.setTime(10_000_000)
      const results = yield* Effect.all(
        Array.from({ length: 100 }, () => Msw.callGet()),
        { concurrency: "unbounded" }
      ).pipe(Effect.provide(oauthLayer(portal, server, { expiresAt: DateTime.unsafeMake(0) })))
      assert.strictEqual(results.length, 100)
      assert.strictEqual(server.requests.length, 1)
      assert.strictEqual(portal.requests.length, 100)
      assert.isTrue(portal.requests.every((r) => r.json.auth === NEW_ACCESS))
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("single flight: 100 concurrent calls refused with expired_token -> one refresh, 100 successes", () =>
    Effect.gen(function* () {
      const portal = yield* strictPortal
      const server = yield* oauthServer(() => Msw.json(tokenResponse(0)))
      const results = yield* Effect.all(
        Array.from({ length: 100 }, () => Msw.callGet()),
        { concurrency: "unbounded" }
      ).pipe(Effect.provide(oauthLayer(portal, server)))
      assert.strictEqual(results.length, 100)
      assert.strictEqual(server.requests.length, 1)
      assert.strictEqual(portal.requests.filter((r) => r.json.auth === OLD_ACCESS).length, 100)
      assert.strictEqual(portal.requests.filter((r) => r.json.auth === NEW_ACCESS).length, 100)
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("invalid_token also renews", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal((r) =>
        r.json.auth === NEW_ACCESS ? Msw.ok([]) : Msw.envelope(401, "invalid_token", "Token expired or invalid")
      )
      const server = yield* oauthServer(() => Msw.json(tokenResponse(0)))
      yield* Msw.callGet().pipe(Effect.provide(oauthLayer(portal, server)))
      assert.strictEqual(server.requests.length, 1)
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("invalid_grant is terminal: a typed error, no retry loop, no second refresh", () =>
    Effect.gen(function* () {
      const portal = yield* strictPortal
      const server = yield* oauthServer(() => Msw.envelope(400, "invalid_grant", "Invalid grant"))
      const program = Effect.gen(function* () {
        const first = yield* Effect.flip(Msw.callGet())
        const second = yield* Effect.flip(Msw.callGet())
        return [first, second] as const
      })
      const logged: Array<string> = []
      const [first, second] = yield* program.pipe(
        Effect.provide(oauthLayer(portal, server, { transport: { retry: RetrySchedule.defaultSchedule } })),
        Effect.zipLeft(Effect.repeatN(Effect.yieldNow(), 10)),
        Effect.provide(Logger.add(Logger.make(({ message }) => logged.push(String(message))))),
        Logger.withMinimumLogLevel(LogLevel.All)
      )
      // the refresh fiber hands its failure to the callers: the runtime has no unhandled error to log, at any level
      assert.isFalse(
        logged.some((line) => line.includes("unhandled error")),
        logged.join("\n")
      )
      assert.instanceOf(first, Bitrix24Error.OAuthError)
      assert.strictEqual(first.reason, "invalid_grant")
      assert.strictEqual(first.status, 400)
      assert.strictEqual(first.method, "oauth.token")
      assert.isFalse(first.retryable)
      assert.include(first.message, "invalid_grant")
      assert.strictEqual(second, first)
      assert.strictEqual(server.requests.length, 1)
      assert.strictEqual(portal.requests.length, 1)
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("invalid_client is terminal too", () =>
    Effect.gen(function* () {
      const portal = yield* strictPortal
      const server = yield* oauthServer(() => Msw.envelope(401, "invalid_client", "Invalid client"))
      const error = yield* Effect.flip(
        Msw.callGet().pipe(Effect.provide(oauthLayer(portal, server, { expiresAt: DateTime.unsafeMake(0) })))
      )
      assert.isTrue(error._tag === "OAuthError" && error.reason === "invalid_client")
      assert.strictEqual(portal.requests.length, 0)
      assert.strictEqual(server.requests.length, 1)
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("a transient refresh failure is retried by the call's schedule, then succeeds", () =>
    Effect.gen(function* () {
      const portal = yield* strictPortal
      const server = yield* oauthServer((_, i) => (i === 0 ? HttpResponse.error() : Msw.json(tokenResponse(0))))
      const retry = RetrySchedule.exponential({ base: "1 second", jitter: false, times: 2 })
      const fiber = yield* Effect.fork(
        Msw.callGet().pipe(
          Effect.provide(oauthLayer(portal, server, { expiresAt: DateTime.unsafeMake(0), transport: { retry } }))
        )
      )
      yield* Msw.awaitSleep(1000)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.strictEqual(server.requests.length, 2)
      assert.deepStrictEqual(
        portal.requests.map((r) => r.json.auth),
        [NEW_ACCESS]
      )
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("the default OAuth server is oauth.bitrix.info", () =>
    Effect.gen(function* () {
      const msw = yield* Msw.Msw
      const seen = yield* Ref.make<Array<string>>([])
      yield* msw.use(
        http.post("https://oauth.bitrix.info/oauth/token/", ({ request }) => {
          Effect.runSync(Ref.update(seen, (urls) => [...urls, request.url]))
          return HttpResponse.json(tokenResponse(0))
        })
      )
      const portal = yield* strictPortal
      yield* Msw.callGet().pipe(
        Effect.provide(
          Bitrix24.layerOAuth(
            {
              portalUrl: portal.origin,
              clientId: CLIENT_ID,
              clientSecret: Redacted.make(CLIENT_SECRET),
              tokens: TokenStore.tokens({
                accessToken: Redacted.make(OLD_ACCESS),
                refreshToken: Redacted.make(OLD_REFRESH)
              })
            },
            { retry: RetrySchedule.none }
          ).pipe(Layer.provide(Layer.merge(FetchHttpClient.layer, TokenStore.layerInMemoryOnly())))
        )
      )
      assert.deepStrictEqual(yield* Ref.get(seen), ["https://oauth.bitrix.info/oauth/token/"])
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("identity: the application, and its user when given (whose list a RecentSync snapshot holds)", () =>
    Effect.gen(function* () {
      const identityOf = (userId?: number) =>
        Effect.map(Bitrix24Auth.Bitrix24Auth, (auth) => auth.identity).pipe(
          Effect.provide(
            Bitrix24Auth.layerOAuth({
              portalUrl: "https://portal.example.test",
              clientId: CLIENT_ID,
              clientSecret: Redacted.make(CLIENT_SECRET),
              userId,
              tokens: TokenStore.tokens({
                accessToken: Redacted.make(OLD_ACCESS),
                refreshToken: Redacted.make(OLD_REFRESH)
              })
            }).pipe(Layer.provide(Layer.merge(FetchHttpClient.layer, TokenStore.layerInMemoryOnly())))
          )
        )
      assert.strictEqual(yield* identityOf(), `oauth:${CLIENT_ID}`)
      assert.strictEqual(yield* identityOf(7), `oauth:${CLIENT_ID}:7`)
    })
  )

  it.effect("a TokenStore's pair wins over options.tokens; without any pair the layer fails", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal(() => Msw.ok([]))
      const server = yield* oauthServer(() => Msw.json(tokenResponse(0)))
      const stored = TokenStore.tokens({
        accessToken: Redacted.make("stored-access"),
        refreshToken: Redacted.make("r")
      })
      yield* Msw.callGet().pipe(
        Effect.provide(oauthLayer(portal, server, { store: TokenStore.layerInMemoryOnly(stored) }))
      )
      assert.strictEqual(portal.requests[0]!.json.auth, "stored-access")

      const error = yield* Effect.flip(
        Effect.scoped(
          Layer.build(
            Bitrix24Auth.layerOAuth({
              portalUrl: portal.origin,
              clientId: CLIENT_ID,
              clientSecret: Redacted.make(CLIENT_SECRET)
            }).pipe(Layer.provide(Layer.merge(FetchHttpClient.layer, TokenStore.layerInMemoryOnly())))
          )
        )
      )
      assert.isTrue(error._tag === "TokenStoreError" && error.operation === "load")
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect(
    "a store with renew: the renewal runs through it (no save); a pair renewed elsewhere is used without a token request",
    () =>
      Effect.gen(function* () {
        const held = yield* Ref.make<ReadonlyArray<string>>([])
        const storeWith = (viaPortal: boolean) =>
          TokenStore.layer({
            load: Effect.succeed(Option.none()),
            save: () => Effect.die("save is not called when the store renews"),
            renew: (pair, refresh) =>
              Effect.zipRight(
                Ref.update(held, (seen) => [...seen, Redacted.value(pair.refreshToken)]),
                viaPortal
                  ? refresh(pair)
                  : Effect.succeed(
                      TokenStore.tokens({ accessToken: Redacted.make(NEW_ACCESS), refreshToken: Redacted.make("r") })
                    )
              )
          })
        // another process renewed: the store hands its pair over, nothing goes to the OAuth server
        const portal = yield* strictPortal
        const server = yield* oauthServer(() => Msw.json(tokenResponse(0)))
        yield* Msw.callGet().pipe(Effect.provide(oauthLayer(portal, server, { store: storeWith(false) })))
        assert.strictEqual(server.requests.length, 0)
        assert.deepStrictEqual(
          portal.requests.map((r) => r.json.auth),
          [OLD_ACCESS, NEW_ACCESS]
        )
        // the store's lock is free: it calls the refresh it is given, with the held pair's refresh token
        const again = yield* strictPortal
        const sent = yield* oauthServer(() => Msw.json(tokenResponse(0)))
        yield* Msw.callGet().pipe(Effect.provide(oauthLayer(again, sent, { store: storeWith(true) })))
        assert.deepStrictEqual(
          sent.requests.map((r) => r.form.get("refresh_token")),
          [OLD_REFRESH]
        )
        assert.deepStrictEqual(yield* Ref.get(held), [OLD_REFRESH, OLD_REFRESH])
      }).pipe(Effect.provide(Msw.layer))
  )

  it.effect(
    "a store whose renew fails (its lock, its database): a NetworkError of oauth.token, retryable, no secret",
    () =>
      Effect.gen(function* () {
        const portal = yield* strictPortal
        const server = yield* oauthServer(() => Msw.json(tokenResponse(0)))
        const store = TokenStore.layer({
          load: Effect.succeed(Option.none()),
          save: () => Effect.void,
          renew: () =>
            Effect.fail(new Bitrix24Error.TokenStoreError({ operation: "renew", description: "the database is down" }))
        })
        const error = yield* Effect.flip(Msw.callGet().pipe(Effect.provide(oauthLayer(portal, server, { store }))))
        if (error._tag !== "NetworkError") return assert.fail(`expected a NetworkError, got ${error._tag}`)
        assert.strictEqual(error.method, "oauth.token")
        assert.include(error.message, "The token store failed to renew the OAuth tokens: the database is down")
        assert.isTrue(Bitrix24Error.isRetryable(error))
        assert.strictEqual(server.requests.length, 0)
        for (const secret of [OLD_ACCESS, OLD_REFRESH, CLIENT_SECRET]) assert.notInclude(error.message, secret)
      }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("a failing save is logged and the renewed tokens are still used", () =>
    Effect.gen(function* () {
      const portal = yield* strictPortal
      const server = yield* oauthServer(() => Msw.json(tokenResponse(0)))
      const store = TokenStore.layer({
        load: Effect.succeed(Option.none()),
        save: () => Effect.fail(new Bitrix24Error.TokenStoreError({ operation: "save", description: "disk full" }))
      })
      yield* Effect.all([Msw.callGet(), Msw.callGet()]).pipe(Effect.provide(oauthLayer(portal, server, { store })))
      assert.strictEqual(server.requests.length, 1)
      assert.deepStrictEqual(
        portal.requests.map((r) => r.json.auth),
        [OLD_ACCESS, NEW_ACCESS, NEW_ACCESS]
      )
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("a webhook cannot renew: expired_token fails at once, worded for a webhook", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal((_, i) =>
        i === 0
          ? Msw.envelope(401, "expired_token", "The access token provided has expired")
          : Msw.envelope(401, "invalid_token", "The access token provided is invalid")
      )
      const layer = Msw.webhookLayer(portal)
      const expired = yield* Effect.flip(Msw.callGet().pipe(Effect.provide(layer)))
      assert.isTrue(expired._tag === "AuthError" && expired.reason === "expired_token")
      assert.strictEqual(expired._tag === "AuthError" && expired.credential, "webhook")
      assert.strictEqual(expired._tag === "AuthError" && expired.retryPolicy, "never")
      assert.include(expired.message, "this call used an incoming webhook, which has no access token to renew")
      assert.notInclude(expired.message, "could not be renewed")
      assert.notInclude(expired.message, portal.webhookCode)
      const invalid = yield* Effect.flip(Msw.callGet().pipe(Effect.provide(layer)))
      assert.include(invalid.message, "an access token is invalid, but this call used an incoming webhook")
      assert.strictEqual(portal.requests.length, 2)
    }).pipe(Effect.provide(Msw.layer))
  )

  it("an OAuth token that could not be renewed keeps the OAuth wording", () => {
    const error = Bitrix24Error.fromEnvelope(
      { error: "expired_token" },
      { method: "im.recent.get", requestId: "r", status: 401, credential: "oauth" }
    )
    assert.include(error.message, "the access token expired and could not be renewed")
    assert.strictEqual(error.retryPolicy, "after-refresh")
  })
})
