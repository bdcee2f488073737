import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, TokenStore } from "@im-recent/client"
import { ConfigError, ConfigProvider, DateTime, Effect, Layer, Option, Redacted } from "effect"
import * as Msw from "./support/Msw.js"

const SECRET_CODE = "Zq8secretWebhookCode"
const CLIENT_SECRET = "Zq8secretClientSecret"
const ACCESS = "Zq8secretAccessToken"
const REFRESH = "Zq8secretRefreshToken"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

const build = (env: Record<string, string>) =>
  Effect.scoped(Layer.build(Bitrix24.layerConfig().pipe(Layer.provide(FetchHttpClient.layer)))).pipe(withEnv(env))

const oauthEnv = (origin: string): Record<string, string> => ({
  BITRIX24_PORTAL_URL: origin,
  BITRIX24_CLIENT_ID: "local.app",
  BITRIX24_CLIENT_SECRET: CLIENT_SECRET,
  BITRIX24_ACCESS_TOKEN: ACCESS,
  BITRIX24_REFRESH_TOKEN: REFRESH
})

const assertNoSecret = (text: string) => {
  for (const secret of [SECRET_CODE, CLIENT_SECRET, ACCESS, REFRESH]) assert.notInclude(text, secret)
}

describe("layerConfig", () => {
  it.effect("BITRIX24_WEBHOOK_URL configures a webhook client; BITRIX24_RATE_LIMIT picks the bucket", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal(() => Msw.ok([]), { webhookCode: SECRET_CODE })
      const env = { BITRIX24_WEBHOOK_URL: `${portal.origin}/rest/5/${SECRET_CODE}/`, BITRIX24_RATE_LIMIT: "enterprise" }
      const params = yield* Effect.gen(function* () {
        const bitrix = yield* Bitrix24.Bitrix24
        yield* Msw.callGet()
        return bitrix.bucket.settings
      }).pipe(Effect.provide(Bitrix24.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))), withEnv(env))
      assert.strictEqual(portal.requests[0]!.url.pathname, `/rest/5/${SECRET_CODE}/im.recent.get`)
      assert.deepStrictEqual(params, { burst: 250, drainPerSecond: 5 })
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("BITRIX24_TIME_ZONE gives the portal's zone; absent, none", () =>
    Effect.gen(function* () {
      const env = { BITRIX24_WEBHOOK_URL: `https://portal.example.test/rest/5/${SECRET_CODE}/` }
      const zoneOf = (extra: Record<string, string>) =>
        Effect.map(Bitrix24.Bitrix24, (bitrix) => Option.map(bitrix.timeZone, DateTime.zoneToString)).pipe(
          Effect.provide(Bitrix24.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
          withEnv({ ...env, ...extra })
        )
      assert.deepStrictEqual(yield* zoneOf({ BITRIX24_TIME_ZONE: " Europe/Berlin " }), Option.some("Europe/Berlin"))
      assert.deepStrictEqual(yield* zoneOf({}), Option.none())
    })
  )

  it.effect("the OAuth variables configure an OAuth client", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal(() => Msw.ok([]))
      yield* Msw.callGet().pipe(
        Effect.provide(Bitrix24.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
        withEnv({ ...oauthEnv(portal.origin), BITRIX24_OAUTH_SERVER_URL: "https://oauth.example.test" })
      )
      assert.strictEqual(portal.requests[0]!.url.pathname, "/rest/im.recent.get")
      assert.strictEqual(portal.requests[0]!.json.auth, ACCESS)
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect(
    "OAuth without a tokenStore never renews: an expired token fails with expired_token, and the refresh token is never spent",
    () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal(() =>
          Msw.envelope(401, "expired_token", "The access token provided has expired")
        )
        const oauth = yield* Msw.fakePortal(() => Msw.json({}))
        const error = yield* Effect.flip(
          Msw.callGet().pipe(
            Effect.provide(Bitrix24.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
            // known to be expired: still not renewed
            withEnv({
              ...oauthEnv(portal.origin),
              BITRIX24_OAUTH_SERVER_URL: oauth.origin,
              BITRIX24_TOKEN_EXPIRES_AT: "0"
            })
          )
        )
        assert.isTrue(error._tag === "AuthError" && error.reason === "expired_token")
        assert.strictEqual(portal.requests.length, 1)
        assert.strictEqual(oauth.requests.length, 0)
      }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("OAuth with a tokenStore: the stored pair wins over the variables', and a renewal is saved to it", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal((r) =>
        r.json.auth === "renewed-access" ? Msw.ok([]) : Msw.envelope(401, "expired_token", "expired")
      )
      const oauth = yield* Msw.fakePortal(() =>
        Msw.json({
          ...Msw.fixture<Record<string, unknown>>("oauth.token.refresh_token.en.json"),
          access_token: "renewed-access",
          refresh_token: "renewed-refresh",
          expires_in: 3600
        })
      )
      const store = yield* TokenStore.makeInMemoryOnly(
        TokenStore.tokens({
          accessToken: Redacted.make("stored-access"),
          refreshToken: Redacted.make("stored-refresh")
        })
      )
      yield* Msw.callGet().pipe(
        Effect.provide(
          Bitrix24.layerConfig({ tokenStore: TokenStore.layer(store) }).pipe(Layer.provide(FetchHttpClient.layer))
        ),
        withEnv({ ...oauthEnv(portal.origin), BITRIX24_OAUTH_SERVER_URL: oauth.origin })
      )
      assert.deepStrictEqual(
        portal.requests.map((r) => r.json.auth),
        ["stored-access", "renewed-access"]
      )
      assert.strictEqual(new URLSearchParams(oauth.requests[0]!.text).get("refresh_token"), "stored-refresh")
      const saved = Option.getOrThrow(yield* store.current)
      assert.strictEqual(Redacted.value(saved.refreshToken), "renewed-refresh")
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("nothing set: a ConfigError naming the variables", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(build({}))
      assert.isTrue(ConfigError.isConfigError(error) && error._op === "Or")
      const text = String(error)
      assert.include(text, "BITRIX24_WEBHOOK_URL")
      assert.include(text, "BITRIX24_PORTAL_URL")
    })
  )

  it.effect("a missing OAuth secret is named, and no secret is echoed", () =>
    Effect.gen(function* () {
      const { BITRIX24_CLIENT_SECRET: _, ...env } = oauthEnv("https://portal.example.test")
      const error = yield* Effect.flip(build(env))
      const text = String(error)
      assert.include(text, "BITRIX24_CLIENT_SECRET")
      assertNoSecret(text)
    })
  )

  it.effect("an invalid webhook URL is named and the code is never shown", () =>
    Effect.gen(function* () {
      for (const url of [
        `http://portal.example.test/rest/1/${SECRET_CODE}/`,
        `https://portal.example.test/${SECRET_CODE}`,
        `garbage ${SECRET_CODE}`
      ]) {
        const error = yield* Effect.flip(build({ BITRIX24_WEBHOOK_URL: url }))
        assert.isTrue(ConfigError.isConfigError(error) && error._op === "InvalidData", url)
        const text = String(error)
        assert.include(text, "BITRIX24_WEBHOOK_URL")
        assertNoSecret(text)
      }
    })
  )

  it.effect("invalid knobs are named", () =>
    Effect.gen(function* () {
      for (const [name, value] of [
        ["BITRIX24_RATE_LIMIT", "fast"],
        ["BITRIX24_TIMEOUT", "soon"],
        ["BITRIX24_RETRY_TIMES", "99"],
        ["BITRIX24_TIME_ZONE", "Mars/Olympus"],
        ["BITRIX24_PORTAL_URL", "http://portal.example.test"],
        ["BITRIX24_TOKEN_EXPIRES_AT", "tomorrow"]
      ] as const) {
        const env = { ...oauthEnv("https://portal.example.test"), [name]: value }
        const error = yield* Effect.flip(build(env))
        const text = String(error)
        assert.include(text, name)
        assertNoSecret(text)
      }
    })
  )
})
