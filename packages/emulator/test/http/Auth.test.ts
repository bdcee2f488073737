import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { OAuthToken } from "@im-recent/domain"
import { Emulator } from "@im-recent/emulator"
import { Effect, Redacted, Schema, TestClock } from "effect"
import { type Answer, base, call, get, options, postForm, postJson, START, secrets } from "./support.js"

const refreshFixture = JSON.parse(
  readFileSync(new URL("../../../../contracts/fixtures/oauth.token.refresh_token.en.json", import.meta.url), "utf8")
)

const error = (answer: Answer, status: number, code: string, description?: string) => {
  assert.strictEqual(answer.status, status, answer.text)
  assert.strictEqual(answer.body.error, code, answer.text)
  if (description !== undefined) assert.strictEqual(answer.body.error_description, description)
}

describe("webhook authentication", () => {
  it.effect("a wrong code or an unknown user id: 401 INVALID_CREDENTIALS", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      for (const path of [`1/wrong`, `2/${secrets.hook1}`, `99/${secrets.hook1}`, `abc/${secrets.hook1}`]) {
        error(
          yield* call(emulator, get(`${base}/rest/${path}/test.echo`)),
          401,
          "INVALID_CREDENTIALS",
          "Invalid request credentials"
        )
      }
    })
  )

  it.effect(
    "an expired webhook: 401 INVALID_CREDENTIALS; one whose user was fired: 401 authorization_error (APAuth\\Auth::onRestCheckAuth, makeAuth fails)",
    () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.make(options())
        error(yield* call(emulator, get(`${base}/rest/1/${secrets.expiredHook}/test.echo`)), 401, "INVALID_CREDENTIALS")
        error(
          yield* call(emulator, get(`${base}/rest/3/${secrets.firedHook}/test.echo`)),
          401,
          "authorization_error",
          "Unable to authorize user"
        )
      })
  )

  it.effect("a webhook expires when the clock passes its expiry", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ startAt: "2025-12-31T23:59:00+03:00" }))
      const url = `${base}/rest/1/${secrets.expiredHook}/test.echo`
      assert.strictEqual((yield* call(emulator, get(url))).status, 200)
      yield* TestClock.adjust("60 seconds")
      error(yield* call(emulator, get(url)), 401, "INVALID_CREDENTIALS")
    })
  )

  it.effect("a webhook without the method's scope: 401 insufficient_scope (APAuth\\Auth::check, OAuthException)", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      error(
        yield* call(emulator, get(`${base}/rest/1/${secrets.userScopeOnly}/im.recent.get`)),
        401,
        "insufficient_scope",
        "The request requires higher privileges than provided by the webhook token"
      )
      const allowed = yield* call(emulator, get(`${base}/rest/1/${secrets.userScopeOnly}/user.get?ID=1`))
      assert.strictEqual(allowed.status, 200)
    })
  )
})

describe("OAuth authentication", () => {
  it.effect("no token, or a token the portal never issued: 401 NO_AUTH_FOUND", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      error(yield* call(emulator, get(`${base}/rest/test.echo`)), 401, "NO_AUTH_FOUND", "Wrong authorization data")
      error(yield* call(emulator, get(`${base}/rest/test.echo?auth=unknown`)), 401, "NO_AUTH_FOUND")
      error(
        yield* call(emulator, get(`${base}/rest/test.echo`, { authorization: "Bearer unknown" })),
        401,
        "NO_AUTH_FOUND"
      )
    })
  )

  it.effect("an expired token: 401 expired_token; the access token expires with the clock", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      error(
        yield* call(emulator, postJson(`${base}/rest/test.echo`, { auth: secrets.expiredAccess })),
        401,
        "expired_token",
        "The access token provided has expired"
      )
      const valid = postJson(`${base}/rest/test.echo`, { auth: secrets.access1 })
      assert.strictEqual((yield* call(emulator, valid)).status, 200)
      yield* TestClock.adjust("3600 seconds")
      error(yield* call(emulator, postJson(`${base}/rest/test.echo`, { auth: secrets.access1 })), 401, "expired_token")
    })
  )

  it.effect("a token without the method's scope: 401 insufficient_scope (OAuth\\Auth::onRestCheckAuth)", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      error(
        yield* call(emulator, get(`${base}/rest/user.get?auth=${secrets.access2}`)),
        401,
        "insufficient_scope",
        "The request requires higher privileges than provided by the access token"
      )
    })
  )
})

describe("/oauth/token/ refresh_token grant", () => {
  const refreshUrl = (refreshToken: string, overrides: Record<string, string> = {}) =>
    `${base}/oauth/token/?${new URLSearchParams({
      grant_type: "refresh_token",
      client_id: secrets.clientId,
      client_secret: secrets.clientSecret,
      refresh_token: refreshToken,
      ...overrides
    })}`

  it.effect(
    "issues a new pair in the documented shape; the old refresh token stops working, the old access token answers expired_token",
    () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.make(options({ publicUrl: "https://portal.test:8443" }))
        yield* TestClock.adjust("10 minutes")
        const answer = yield* call(emulator, get(refreshUrl(secrets.refresh1)))
        assert.strictEqual(answer.status, 200, answer.text)
        assert.deepStrictEqual(Object.keys(answer.body), Object.keys(refreshFixture))
        const token = Schema.decodeUnknownSync(OAuthToken.TokenResponse, { onExcessProperty: "error" })(answer.body)
        assert.strictEqual(token.client_endpoint, "https://portal.test:8443/rest/")
        assert.strictEqual(token.domain, "portal.test:8443")
        assert.strictEqual(token.expires_in, 3600)
        assert.strictEqual(token.expires, START + 600 + 3600)
        assert.strictEqual(token.user_id, 1)
        assert.strictEqual(token.scope, "im,user")
        assert.match(token.member_id, /^[0-9a-f]{32}$/)
        const access = Redacted.value(token.access_token)
        assert.notStrictEqual(access, secrets.access1)

        const again = yield* call(emulator, get(refreshUrl(secrets.refresh1)))
        error(again, 400, "invalid_grant")
        error(
          yield* call(emulator, get(`${base}/rest/test.echo?auth=${secrets.access1}`)),
          401,
          "expired_token",
          "The access token provided has expired"
        )
        const withNew = yield* call(emulator, get(`${base}/rest/test.echo?auth=${access}`))
        assert.strictEqual(withNew.status, 200)
        assert.strictEqual(withNew.body.result.userId, 1)

        const chained = yield* call(emulator, get(refreshUrl(Redacted.value(token.refresh_token))))
        assert.strictEqual(chained.status, 200)
      })
  )

  it.effect("accepts a POST form body (how the JS SDK refreshes) without a trailing slash", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const answer = yield* call(
        emulator,
        postForm(
          `${base}/oauth/token`,
          new URLSearchParams({
            grant_type: "refresh_token",
            client_id: secrets.clientId,
            client_secret: secrets.clientSecret,
            refresh_token: secrets.refresh2
          }).toString()
        )
      )
      assert.strictEqual(answer.status, 200, answer.text)
      assert.strictEqual(answer.body.user_id, 2)
    })
  )

  it.effect("the access token lifetime is configurable", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ accessTokenLifetime: 60 }))
      const answer = yield* call(emulator, get(refreshUrl(secrets.refresh1)))
      assert.strictEqual(answer.body.expires_in, 60)
      const url = `${base}/rest/test.echo?auth=${answer.body.access_token}`
      assert.strictEqual((yield* call(emulator, get(url))).status, 200)
      yield* TestClock.adjust("60 seconds")
      error(yield* call(emulator, get(url)), 401, "expired_token")
    })
  )

  it.effect("a wrong client secret or an unknown client: 401 invalid_client", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      error(yield* call(emulator, get(refreshUrl(secrets.refresh1, { client_secret: "wrong" }))), 401, "invalid_client")
      error(yield* call(emulator, get(refreshUrl(secrets.refresh1, { client_id: "other" }))), 401, "invalid_client")
      const stillValid = yield* call(emulator, get(refreshUrl(secrets.refresh1)))
      assert.strictEqual(stillValid.status, 200, "a refused request consumes nothing")
    })
  )

  it.effect("an unknown, expired or authorization-code grant: 400 invalid_grant", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      error(yield* call(emulator, get(refreshUrl("unknown"))), 400, "invalid_grant")
      error(yield* call(emulator, get(refreshUrl(secrets.expiredRefresh))), 400, "invalid_grant")
      error(
        yield* call(emulator, get(refreshUrl("x", { grant_type: "authorization_code", code: "c" }))),
        400,
        "invalid_grant"
      )
    })
  )

  it.effect("missing parameters or an unsupported grant type: 400 invalid_request, no time object", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const missing = yield* call(emulator, get(`${base}/oauth/token/?grant_type=refresh_token`))
      error(missing, 400, "invalid_request")
      assert.deepStrictEqual(Object.keys(missing.body), ["error", "error_description"])
      error(
        yield* call(
          emulator,
          get(
            `${base}/oauth/token/?grant_type=refresh_token&client_id=${secrets.clientId}&client_secret=${secrets.clientSecret}`
          )
        ),
        400,
        "invalid_request"
      )
      error(
        yield* call(emulator, get(refreshUrl(secrets.refresh1, { grant_type: "password" }))),
        400,
        "invalid_request"
      )
      error(
        yield* call(
          emulator,
          new Request(`${base}/oauth/token/`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{"
          })
        ),
        400,
        "invalid_request"
      )
    })
  )
})
