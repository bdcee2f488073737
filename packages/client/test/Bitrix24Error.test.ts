import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, Bitrix24Error, RetrySchedule } from "@im-recent/client"
import { ErrorEnvelope } from "@im-recent/domain"
import { DateTime, Effect, Layer, Redacted, Schema } from "effect"
import * as Msw from "./support/Msw.js"

/** The class every documented code maps to. */
const expectedTag: Record<string, Bitrix24Error.Bitrix24Error["_tag"]> = {
  INTERNAL_SERVER_ERROR: "ServerError",
  ERROR_UNEXPECTED_ANSWER: "ServerError",
  QUERY_LIMIT_EXCEEDED: "QueryLimitExceeded",
  OPERATION_TIME_LIMIT: "OperationTimeLimit",
  ERROR_BATCH_METHOD_NOT_ALLOWED: "BatchError",
  ERROR_BATCH_LENGTH_EXCEEDED: "BatchError",
  NO_AUTH_FOUND: "AuthError",
  INVALID_REQUEST: "InvalidRequest",
  OVERLOAD_LIMIT: "Overloaded",
  ACCESS_DENIED: "AuthError",
  INVALID_CREDENTIALS: "AuthError",
  ERROR_MANIFEST_IS_NOT_AVAILABLE: "MethodNotFound",
  insufficient_scope: "AuthError",
  expired_token: "AuthError",
  invalid_token: "AuthError",
  user_access_error: "AuthError",
  PORTAL_DELETED: "PortalDeleted",
  ERROR_METHOD_NOT_FOUND: "MethodNotFound",
  WRONG_AUTH_TYPE: "AuthError",
  METHOD_CONFIRM_WAITING: "AuthError",
  METHOD_CONFIRM_DENIED: "AuthError",
  DIALOG_ID_EMPTY: "MethodError",
  ACCESS_ERROR: "MethodError",
  MESSAGE_ID_ERROR: "MethodError",
  CANT_EDIT_MESSAGE: "MethodError",
  MESSAGE_EMPTY: "MethodError",
  ATTACH_ERROR: "MethodError",
  CHAT_ID_EMPTY: "MethodError",
  USER_ID_EMPTY: "MethodError",
  USER_NOT_FOUND: "MethodError",
  PARAMS_ERROR: "MethodError",
  INVALID_FORMAT: "MethodError",
  WRONG_REQUEST: "MethodError",
  invalid_request: "OAuthError",
  invalid_client: "OAuthError",
  invalid_grant: "OAuthError",
  invalid_scope: "OAuthError",
  PAYMENT_REQUIRED: "OAuthError"
}

const retryableByPolicy = (policy: ErrorEnvelope.RetryPolicy): boolean =>
  policy === "safe" || policy === "idempotent" || policy === "after-reset"

const table = Msw.fixture<{
  errors: ReadonlyArray<{
    readonly http_status: number
    readonly error: string
    readonly error_description_text: string
  }>
}>("system-errors.table.json").errors

describe("Bitrix24Error", () => {
  it("maps every code of the domain catalog to its class, with the catalog's retry policy", () => {
    for (const known of ErrorEnvelope.catalog) {
      const error = Bitrix24Error.fromEnvelope(
        { error: known.code, error_description: known.description },
        {
          method: "im.recent.get",
          requestId: "r-1",
          status: known.status,
          source: known.source === "oauth" ? "oauth" : "rest"
        }
      )
      assert.strictEqual(error._tag, expectedTag[known.code], known.code)
      assert.strictEqual(error.retryPolicy, known.retry, known.code)
      assert.strictEqual(error.code, known.code)
      assert.strictEqual(error.status, known.status)
      assert.include(error.message, known.code)
      assert.include(error.message, "r-1")
    }
  })

  it("matches codes ignoring case and keeps the server's spelling", () => {
    const context = { method: "m", requestId: "r" }
    const qle = Bitrix24Error.fromEnvelope({ error: "query_limit_exceeded" }, context)
    assert.strictEqual(qle._tag, "QueryLimitExceeded")
    assert.strictEqual(qle.code, "query_limit_exceeded")
    const expired = Bitrix24Error.fromEnvelope({ error: "EXPIRED_TOKEN" }, context)
    assert.isTrue(expired._tag === "AuthError" && expired.reason === "expired_token")
  })

  it("keeps unknown codes verbatim; retryable only for 5xx", () => {
    const context = { method: "m", requestId: "r" }
    const e4 = Bitrix24Error.fromEnvelope(
      { error: "CHAT_NOT_FOUND", error_description: "No chat" },
      { ...context, status: 404 }
    )
    assert.instanceOf(e4, Bitrix24Error.UnknownApiError)
    assert.strictEqual(e4.code, "CHAT_NOT_FOUND")
    assert.strictEqual(e4.description, "No chat")
    assert.isFalse(e4.retryable)
    const e5 = Bitrix24Error.fromEnvelope({ error: "SOMETHING_BROKE" }, { ...context, status: 502 })
    assert.isTrue(e5.retryable)
    assert.strictEqual(e5.description, "")
  })

  it("isApiError is true for envelope errors only, whatever fields a transport error has", () => {
    const context = { method: "m", requestId: "r" }
    assert.isTrue(Bitrix24Error.isApiError(Bitrix24Error.fromEnvelope({ error: "QUERY_LIMIT_EXCEEDED" }, context)))
    const network = new Bitrix24Error.NetworkError({ ...context, description: "connect refused", code: "ECONNREFUSED" })
    assert.isTrue(Bitrix24Error.isBitrix24Error(network))
    assert.isFalse(Bitrix24Error.isApiError(network))
    assert.isFalse(Bitrix24Error.isApiError(new Bitrix24Error.TokenStoreError({ operation: "load", description: "x" })))
  })

  it("round-trips through its schema", () => {
    const error = Bitrix24Error.fromEnvelope(
      { error: "ACCESS_ERROR", error_description: "You don't have permission to pin this chat" },
      { method: "im.recent.pin", requestId: "r-9", status: 400 }
    )
    const encoded = Schema.encodeSync(Bitrix24Error.Bitrix24Error)(error)
    const decoded = Schema.decodeUnknownSync(Bitrix24Error.Bitrix24Error)(JSON.parse(JSON.stringify(encoded)))
    assert.instanceOf(decoded, Bitrix24Error.MethodError)
    assert.deepStrictEqual({ ...decoded }, { ...error })

    const limited = Bitrix24Error.fromEnvelope(
      { error: "OPERATION_TIME_LIMIT" },
      { method: "im.recent.get", requestId: "r-2", status: 429, resetAt: DateTime.unsafeMake(1_772_086_638_000) }
    )
    const wire = JSON.parse(JSON.stringify(Schema.encodeSync(Bitrix24Error.Bitrix24Error)(limited)))
    assert.strictEqual(wire.resetAt, "2026-02-26T06:17:18.000Z")
    const back = Schema.decodeUnknownSync(Bitrix24Error.Bitrix24Error)(wire)
    assert.isTrue(back._tag === "OperationTimeLimit" && back.resetAt?.epochMillis === 1_772_086_638_000)
  })

  describe("over HTTP", () => {
    it.effect("maps every row of the documented system-errors table, whatever the status", () =>
      Effect.gen(function* () {
        for (const row of table) {
          const portal = yield* Msw.fakePortal(() =>
            Msw.envelope(row.http_status, row.error, row.error_description_text)
          )
          const error = yield* Effect.flip(
            Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(portal, { retry: RetrySchedule.none })))
          )
          assert.strictEqual(error._tag, expectedTag[row.error], row.error)
          assert.isTrue(Bitrix24Error.isBitrix24Error(error))
          if (!Bitrix24Error.isApiError(error)) return assert.fail(`${row.error} is not an API error`)
          assert.strictEqual(error.code, row.error)
          assert.strictEqual(error.description, row.error_description_text)
          assert.strictEqual(error.status, row.http_status)
          assert.strictEqual(error.method, "im.recent.get")
          assert.strictEqual(error.requestId, portal.requests[0]!.headers.get("x-request-id"))
          assert.strictEqual(error.retryable, retryableByPolicy(ErrorEnvelope.lookup(row.error)!.retry), row.error)
          assert.strictEqual(portal.requests.length, 1)
        }
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("maps the documented error fixtures", () =>
      Effect.gen(function* () {
        const cases: ReadonlyArray<readonly [file: string, status: number, tag: string, reason?: string]> = [
          ["im.recent.get.error-401.en.json", 401, "AuthError", "INVALID_CREDENTIALS"],
          ["im.recent.get.error-401.ru.json", 401, "AuthError", "INVALID_CREDENTIALS"],
          ["im.recent.list.error-401.en.json", 401, "AuthError", "INVALID_CREDENTIALS"],
          ["im.counters.get.error-401.en.json", 401, "AuthError", "INVALID_CREDENTIALS"],
          ["im.recent.pin.error-400.en.json", 400, "MethodError"],
          ["im.recent.unread.error-400.en.json", 400, "MethodError"],
          ["im.recent.hide.error-400.en.json", 400, "MethodError"],
          ["im.dialog.get.error-400.en.json", 400, "MethodError"],
          ["error.METHOD_CONFIRM_WAITING.http401.ru.json", 401, "AuthError", "METHOD_CONFIRM_WAITING"],
          ["error.METHOD_CONFIRM_DENIED.http403.ru.json", 403, "AuthError", "METHOD_CONFIRM_DENIED"],
          ["error.generic-example.ru.json", 400, "UnknownApiError"]
        ]
        for (const [file, status, tag, reason] of cases) {
          const body = Msw.fixture<Msw.WireError>(file)
          const portal = yield* Msw.fakePortal(() => Msw.json(body, status))
          const error = yield* Effect.flip(
            Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(portal, { retry: RetrySchedule.none })))
          )
          assert.strictEqual(error._tag, tag, file)
          if (!Bitrix24Error.isApiError(error)) return assert.fail(file)
          assert.strictEqual(error.code, body.error, file)
          assert.strictEqual(error.description, body.error_description, file)
          if (reason !== undefined) assert.strictEqual((error as Bitrix24Error.AuthError).reason, reason, file)
          assert.isFalse(error.retryable, file)
          assert.strictEqual(portal.requests.length, 1, file)
        }
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("decodes the envelope even on HTTP 200", () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal(() => Msw.envelope(200, "QUERY_LIMIT_EXCEEDED", "Too many requests"))
        const error = yield* Effect.flip(
          Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(portal, { retry: RetrySchedule.none })))
        )
        assert.instanceOf(error, Bitrix24Error.QueryLimitExceeded)
        assert.strictEqual(error.status, 200)
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("the OAuth server's PAYMENT_REQUIRED is an OAuthError", () =>
      Effect.sync(() => {
        const body = Msw.fixture<Msw.WireError>("oauth.error.PAYMENT_REQUIRED.ru.json")
        const error = Bitrix24Error.fromEnvelope(body, {
          method: "oauth.token",
          requestId: "r",
          status: 402,
          source: "oauth"
        })
        assert.isTrue(error._tag === "OAuthError" && error.reason === "PAYMENT_REQUIRED")
        assert.isFalse(error.retryable)
      })
    )
  })
})

describe("what a long-running loop tries again (isRetryableLater)", () => {
  const context = { method: "im.recent.get", requestId: "r-1" }
  const network = (fields: Partial<ConstructorParameters<typeof Bitrix24Error.NetworkError>[0]>) =>
    new Bitrix24Error.NetworkError({ ...context, description: "connect failed", ...fields })

  it("everything a call retries, and the network errors time can fix; refused credentials and bad calls stay final", () => {
    const cases: ReadonlyArray<readonly [Bitrix24Error.Bitrix24Error, boolean, boolean]> = [
      // [error, isRetryable, isRetryableLater]
      [network({ code: "ECONNRESET" }), true, true],
      [network({ code: "ECONNREFUSED", loopback: true }), false, true], // a local portal restarting
      [network({ code: "ENOTFOUND" }), false, true], // DNS or the network coming back
      [network({ blockedPort: 6000, loopback: true }), false, false], // fetch never reaches it
      [new Bitrix24Error.Timeout({ ...context, timeoutMillis: 60_000 }), true, true],
      [Bitrix24Error.fromEnvelope({ error: "QUERY_LIMIT_EXCEEDED" }, { ...context, status: 503 }), true, true],
      [Bitrix24Error.fromEnvelope({ error: "INTERNAL_SERVER_ERROR" }, { ...context, status: 500 }), true, true],
      [
        Bitrix24Error.fromEnvelope(
          { error: "INVALID_CREDENTIALS" },
          { ...context, status: 401, credential: "webhook" }
        ),
        false,
        false
      ],
      [
        Bitrix24Error.fromEnvelope({ error: "invalid_grant" }, { ...context, status: 400, source: "oauth" }),
        false,
        false
      ],
      [Bitrix24Error.fromEnvelope({ error: "OVERLOAD_LIMIT" }, { ...context, status: 503 }), false, false],
      [new Bitrix24Error.PortalMoved({ ...context, status: 302, location: "https://elsewhere.test" }), false, false],
      [new Bitrix24Error.InvalidParams({ ...context, issues: [] }), false, false],
      [new Bitrix24Error.DecodeError({ ...context, status: 200, issues: [] }), false, false]
    ]
    for (const [error, now, later] of cases) {
      assert.strictEqual(Bitrix24Error.isRetryable(error), now, `${error._tag} ${error.message}`)
      assert.strictEqual(Bitrix24Error.isRetryableLater(error), later, `${error._tag} ${error.message}`)
    }
  })

  it.effect("a port fetch blocks: named with the reason, at once, never retried", () =>
    Effect.gen(function* () {
      let retries = 0
      const error = yield* Effect.flip(
        Msw.callGet().pipe(
          Effect.provide(
            Bitrix24.layerWebhook(Redacted.make("http://127.0.0.1:6000/rest/1/s3cretc0de42/"), {
              retry: RetrySchedule.exponential({ times: 3 }),
              onRetry: () => Effect.sync(() => retries++)
            }).pipe(Layer.provide(FetchHttpClient.layer))
          )
        )
      )
      assert.strictEqual(error._tag, "NetworkError")
      if (error._tag !== "NetworkError") return
      assert.strictEqual(error.blockedPort, 6000)
      assert.isFalse(error.retryable)
      assert.isFalse(Bitrix24Error.isRetryableLater(error))
      assert.strictEqual(retries, 0)
      assert.include(error.message, `port 6000 is on the Fetch standard's list of blocked ports`)
      assert.include(error.message, "not retried")
      assert.notInclude(error.message, "s3cretc0de42")
    })
  )
})
