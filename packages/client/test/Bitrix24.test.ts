import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, Bitrix24Auth, Bitrix24Error, RetrySchedule, TokenStore } from "@im-recent/client"
import { RecentGet } from "@im-recent/domain"
import { DateTime, Effect, Either, Exit, Fiber, Layer, Option, Redacted, Schema, TestClock } from "effect"
import { HttpResponse } from "msw"
import * as Msw from "./support/Msw.js"

/** 1 s, 2 s, 4 s, no jitter: retry times are exact under the TestClock. */
const exactRetry = RetrySchedule.exponential({ base: "1 second", factor: 2, jitter: false, times: 3 })

const documented = Msw.fixture<Msw.WireGet>("im.recent.get.en.json")

describe("Bitrix24", () => {
  describe("requests", () => {
    it.effect("POSTs JSON to the webhook URL with a request id and the User-Agent", () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal(() => Msw.json(documented))
        const response = yield* Msw.callGet({ SKIP_OPENLINES: "Y" }).pipe(Effect.provide(Msw.webhookLayer(portal)))
        assert.strictEqual(response.result.length, documented.result.length)
        const [request] = portal.requests
        assert.strictEqual(request!.method, "POST")
        assert.strictEqual(request!.url.pathname, `/rest/1/${portal.webhookCode}/im.recent.get`)
        assert.strictEqual(request!.url.search, "")
        assert.deepStrictEqual(request!.json, { SKIP_OPENLINES: "Y" })
        assert.match(request!.headers.get("content-type")!, /^application\/json/)
        assert.strictEqual(request!.headers.get("accept"), "application/json")
        assert.strictEqual(request!.headers.get("user-agent"), "im-recent/0.1.0")
        assert.match(request!.headers.get("x-request-id")!, /^[0-9a-f-]{36}$/)
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("uses a fresh request id per call and the same one across retries of a call", () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal((_, i) =>
          i === 0 ? Msw.envelope(503, "QUERY_LIMIT_EXCEEDED", "Too many requests") : Msw.ok([])
        )
        const layer = Msw.webhookLayer(portal, { retry: exactRetry })
        const fiber = yield* Effect.fork(Effect.zipRight(Msw.callGet(), Msw.callGet()).pipe(Effect.provide(layer)))
        yield* Msw.awaitSleep(1000)
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(fiber)
        const ids = portal.requests.map((r) => r.headers.get("x-request-id"))
        assert.strictEqual(ids.length, 3)
        assert.strictEqual(ids[0], ids[1])
        assert.notStrictEqual(ids[1], ids[2])
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("refuses a malformed method name without sending anything", () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal(() => Msw.ok([]))
        const error = yield* Effect.flip(
          Effect.flatMap(Bitrix24.Bitrix24, (b) => b.call("../im.recent.get", {}, RecentGet.Response)).pipe(
            Effect.provide(Msw.webhookLayer(portal))
          )
        )
        assert.instanceOf(error, Bitrix24Error.InvalidParams)
        assert.strictEqual(portal.requests.length, 0)
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("plain http is accepted for loopback hosts", () =>
      Effect.gen(function* () {
        const port = 20_000 + Math.floor(Math.random() * 20_000)
        const portal = yield* Msw.fakePortal(() => Msw.ok([]), { origin: `http://127.0.0.1:${port}` })
        yield* Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(portal)))
        assert.strictEqual(portal.requests[0]!.url.origin, `http://127.0.0.1:${port}`)
      }).pipe(Effect.provide(Msw.layer))
    )
  })

  describe("endpoints", () => {
    const build = (url: string) =>
      Effect.flip(
        Effect.scoped(Layer.build(Bitrix24.layerWebhook(Redacted.make(url)).pipe(Layer.provide(FetchHttpClient.layer))))
      )

    it.effect("rejects http for non-loopback hosts, naming the problem and masking the code", () =>
      Effect.gen(function* () {
        const error = yield* build("http://portal.bitrix24.com/rest/1/topsecretcode123/")
        assert.strictEqual(error._tag, "InvalidEndpoint")
        assert.strictEqual(error.reason, "HttpsRequired")
        assert.include(error.message, "https")
        assert.notInclude(error.message, "topsecretcode123")
      })
    )

    it.effect("accepts https and loopback http", () =>
      Effect.gen(function* () {
        for (const url of [
          "https://portal.bitrix24.com/rest/1/abc123/",
          "https://portal.bitrix24.com/rest/1/abc123",
          "http://127.0.0.1:8080/rest/7/abc123/",
          "http://localhost:3000/rest/1/abc123/",
          "http://[::1]:3000/rest/1/abc123/"
        ]) {
          const auth = yield* Effect.either(Bitrix24Auth.webhook(Redacted.make(url)))
          assert.isTrue(Either.isRight(auth), url)
        }
        const auth = yield* Bitrix24Auth.webhook(Redacted.make("http://127.0.0.1:8080/rest/7/abc123/"))
        assert.strictEqual(auth.portal, "http://127.0.0.1:8080")
        assert.strictEqual(auth.identity, "webhook:7")
      })
    )

    it.effect("rejects malformed webhook URLs without echoing them", () =>
      Effect.gen(function* () {
        for (const url of [
          "not a url topsecretcode123",
          "https://portal.bitrix24.com/topsecretcode123/",
          "https://portal.bitrix24.com/rest/x/topsecretcode123/",
          "https://portal.bitrix24.com/rest/1/topsecretcode123/extra/"
        ]) {
          const error = yield* build(url)
          assert.strictEqual(error._tag, "InvalidEndpoint", url)
          assert.strictEqual(error.reason, "MalformedWebhook", url)
          assert.notInclude(error.message, "topsecretcode123")
        }
        const query = yield* build("https://portal.bitrix24.com/rest/1/topsecretcode123/?x=1")
        assert.strictEqual(query.reason, "MalformedUrl")
        assert.notInclude(query.message, "topsecretcode123")
      })
    )

    it.effect("rejects an http OAuth portal or OAuth server", () =>
      Effect.gen(function* () {
        const tokens = TokenStore.tokens({ accessToken: Redacted.make("a"), refreshToken: Redacted.make("r") })
        const layer = (portalUrl: string, oauthServerUrl?: string) =>
          Bitrix24Auth.layerOAuth({
            portalUrl,
            oauthServerUrl,
            clientId: "app",
            clientSecret: Redacted.make("secret"),
            tokens
          }).pipe(Layer.provide(Layer.merge(FetchHttpClient.layer, TokenStore.layerInMemoryOnly())))
        const e1 = yield* Effect.flip(Effect.scoped(Layer.build(layer("http://portal.example.com"))))
        assert.strictEqual(e1._tag === "InvalidEndpoint" && e1.reason, "HttpsRequired")
        const e2 = yield* Effect.flip(
          Effect.scoped(Layer.build(layer("https://portal.example.com", "http://oauth.example.com")))
        )
        assert.strictEqual(e2._tag === "InvalidEndpoint" && e2.reason, "HttpsRequired")
      })
    )
  })

  describe("bodies", () => {
    it.effect("an HTML 502 from a proxy is InvalidResponseBody, with status and snippet, and retried", () =>
      Effect.gen(function* () {
        const html =
          "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"
        const portal = yield* Msw.fakePortal(
          () => new Response(html, { status: 502, headers: { "content-type": "text/html" } })
        )
        const fiber = yield* Effect.fork(
          Effect.flip(Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(portal, { retry: exactRetry }))))
        )
        for (const at of [1000, 3000, 7000]) {
          yield* Msw.awaitSleep(at)
          yield* TestClock.setTime(at)
        }
        const error = yield* Fiber.join(fiber)
        assert.instanceOf(error, Bitrix24Error.InvalidResponseBody)
        assert.strictEqual(error.reason, "Html")
        assert.strictEqual(error.status, 502)
        assert.strictEqual(error.contentType, "text/html")
        assert.include(error.snippet, "502 Bad Gateway")
        assert.isTrue(error.retryable)
        assert.deepStrictEqual(
          portal.requests.map((r) => r.at),
          [0, 1000, 3000, 7000]
        )
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("truncated JSON is InvalidResponseBody (NotJson) with a snippet", () =>
      Effect.gen(function* () {
        const text = JSON.stringify(documented).slice(0, 300)
        const portal = yield* Msw.fakePortal(() => new Response(text, { status: 200 }))
        const error = yield* Effect.flip(
          Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(portal, { retry: RetrySchedule.none })))
        )
        assert.instanceOf(error, Bitrix24Error.InvalidResponseBody)
        assert.strictEqual(error.reason, "NotJson")
        assert.strictEqual(error.status, 200)
        assert.isTrue(error.snippet.startsWith('{"result":[{'))
        assert.isAtMost(error.snippet.length, 201)
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("an empty body and a JSON body that is not an envelope are InvalidResponseBody", () =>
      Effect.gen(function* () {
        const empty = yield* Msw.fakePortal(() => new Response("", { status: 500 }))
        const e1 = yield* Effect.flip(
          Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(empty, { retry: RetrySchedule.none })))
        )
        assert.isTrue(e1._tag === "InvalidResponseBody" && e1.reason === "Empty" && e1.status === 500)
        const odd = yield* Msw.fakePortal(() => Msw.json({ message: "nope" }, 404))
        const e2 = yield* Effect.flip(
          Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(odd, { retry: RetrySchedule.none })))
        )
        assert.isTrue(e2._tag === "InvalidResponseBody" && e2.reason === "UnexpectedJson" && !e2.retryable)
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("a body of the wrong shape is a DecodeError with the field path and the offending value", () =>
      Effect.gen(function* () {
        const body = structuredClone(documented)
        body.result[1]!.date_update = "2026-02-25T18:30:00.000Z"
        const portal = yield* Msw.fakePortal(() => Msw.json(body))
        const error = yield* Effect.flip(Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(portal))))
        assert.instanceOf(error, Bitrix24Error.DecodeError)
        const issue = error.issues.find((i) => i.path === "result[1].date_update")
        assert.isDefined(issue, JSON.stringify(error.issues))
        assert.strictEqual(issue!.actual, '"2026-02-25T18:30:00.000Z"')
        assert.include(error.message, "result[1].date_update")
        assert.isFalse(error.retryable)
        assert.strictEqual(portal.requests.length, 1)
      }).pipe(Effect.provide(Msw.layer))
    )
  })

  describe("retries", () => {
    it.effect("503 QUERY_LIMIT_EXCEEDED is retried after the back-off and fills the local bucket", () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal((_, i) =>
          i < 2 ? Msw.envelope(503, "QUERY_LIMIT_EXCEEDED", "Too many requests") : Msw.ok([])
        )
        const program = Effect.gen(function* () {
          const bitrix = yield* Bitrix24.Bitrix24
          const fiber = yield* Effect.fork(Msw.callGet())
          yield* Msw.awaitSleep(1000)
          const state = yield* bitrix.bucket.state
          assert.strictEqual(state.level, 50)
          yield* TestClock.adjust("1 second")
          yield* Msw.awaitSleep(3000)
          yield* TestClock.adjust("2 seconds")
          return yield* Fiber.join(fiber)
        })
        const response = yield* program.pipe(Effect.provide(Msw.webhookLayer(portal, { retry: exactRetry })))
        assert.deepStrictEqual(response.result, [])
        assert.deepStrictEqual(
          portal.requests.map((r) => r.at),
          [0, 1000, 3000]
        )
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("503 OVERLOAD_LIMIT is not retried", () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal(() =>
          Msw.envelope(503, "OVERLOAD_LIMIT", "REST API is blocked due to overload")
        )
        const error = yield* Effect.flip(
          Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(portal, { retry: exactRetry })))
        )
        assert.instanceOf(error, Bitrix24Error.Overloaded)
        assert.isFalse(error.retryable)
        assert.strictEqual(portal.requests.length, 1)
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("auth errors and other 4xx fail fast", () =>
      Effect.gen(function* () {
        for (const [status, code] of [
          [401, "INVALID_CREDENTIALS"],
          [401, "expired_token"],
          [403, "insufficient_scope"],
          [400, "DIALOG_ID_EMPTY"],
          [404, "ERROR_METHOD_NOT_FOUND"],
          [405, "ERROR_BATCH_METHOD_NOT_ALLOWED"]
        ] as const) {
          const portal = yield* Msw.fakePortal(() => Msw.envelope(status, code))
          const error = yield* Effect.flip(
            Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(portal, { retry: exactRetry })))
          )
          if (!Bitrix24Error.isApiError(error)) return assert.fail(`${code}: ${error._tag}`)
          assert.strictEqual(error.code, code)
          assert.isFalse(error.retryable, code)
          assert.strictEqual(portal.requests.length, 1, code)
        }
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("500s and network errors are retried for idempotent calls only", () =>
      Effect.gen(function* () {
        const server = yield* Msw.fakePortal((_, i) =>
          i === 0 ? Msw.envelope(500, "INTERNAL_SERVER_ERROR") : Msw.ok([])
        )
        const fiber = yield* Effect.fork(
          Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(server, { retry: exactRetry })))
        )
        yield* Msw.awaitSleep(1000)
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(fiber)
        assert.strictEqual(server.requests.length, 2)

        const network = yield* Msw.fakePortal((_, i) => (i === 0 ? HttpResponse.error() : Msw.ok([])))
        const fiber2 = yield* Effect.fork(
          Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(network, { retry: exactRetry })))
        )
        yield* Msw.awaitSleep(2000)
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(fiber2)
        assert.strictEqual(network.requests.length, 2)

        const once = yield* Msw.fakePortal(() => Msw.envelope(500, "INTERNAL_SERVER_ERROR"))
        const error = yield* Effect.flip(
          Msw.callGet({}, { idempotent: false }).pipe(Effect.provide(Msw.webhookLayer(once, { retry: exactRetry })))
        )
        assert.instanceOf(error, Bitrix24Error.ServerError)
        assert.strictEqual(once.requests.length, 1)
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("a network failure is a NetworkError", () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal(() => HttpResponse.error())
        const error = yield* Effect.flip(
          Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(portal, { retry: RetrySchedule.none })))
        )
        assert.instanceOf(error, Bitrix24Error.NetworkError)
        assert.strictEqual(error.status, undefined)
        assert.isTrue(error.retryable)
      }).pipe(Effect.provide(Msw.layer))
    )
  })

  describe("operating budget", () => {
    // Server clock: `start` (Unix s). The client clock is the TestClock at 0, so the skew is -start s
    // and a reset at `start + n` is n seconds from now on the client.
    const start = 1_772_086_000

    it.effect("OPERATION_TIME_LIMIT waits until operating_reset_at from the last successful response", () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal((_, i) =>
          i === 1
            ? Msw.envelope(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit")
            : Msw.ok([], { ...Msw.time(start, { operating: 100, operating_reset_at: start + 100 }), finish: start })
        )
        const program = Effect.gen(function* () {
          yield* Msw.callGet()
          const fiber = yield* Effect.fork(Msw.callGet())
          // the schedule's back-off first, then the method's pause until the reset
          yield* Msw.awaitSleep(1000)
          yield* TestClock.adjust("1 second")
          yield* Msw.awaitSleep(100_000)
          yield* TestClock.adjust("98 seconds")
          assert.strictEqual(portal.requests.length, 2)
          yield* TestClock.adjust("1 second")
          return yield* Fiber.join(fiber)
        })
        yield* program.pipe(Effect.provide(Msw.webhookLayer(portal, { retry: exactRetry })))
        assert.deepStrictEqual(
          portal.requests.map((r) => r.at),
          [0, 0, 100_000]
        )
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("the OperationTimeLimit error carries resetAt; without one the wait is the bounded fallback", () =>
      Effect.gen(function* () {
        const known = yield* Msw.fakePortal((_, i) =>
          i === 0
            ? Msw.ok([], { ...Msw.time(start, { operating: 10, operating_reset_at: start + 30 }), finish: start })
            : Msw.envelope(429, "OPERATION_TIME_LIMIT")
        )
        const error = yield* Effect.zipRight(Msw.callGet(), Effect.flip(Msw.callGet())).pipe(
          Effect.provide(Msw.webhookLayer(known, { retry: RetrySchedule.none }))
        )
        assert.instanceOf(error, Bitrix24Error.OperationTimeLimit)
        assert.strictEqual(Option.getOrThrow(Option.fromNullable(error.resetAt)).epochMillis, 30_000)
        assert.isTrue(error.retryable)

        const unknown = yield* Msw.fakePortal((_, i) =>
          i === 0 ? Msw.envelope(429, "OPERATION_TIME_LIMIT") : Msw.ok([])
        )
        const fiber = yield* Effect.fork(
          Msw.callGet().pipe(
            Effect.provide(Msw.webhookLayer(unknown, { retry: exactRetry, operating: { fallbackWait: "45 seconds" } }))
          )
        )
        yield* Msw.awaitSleep(1000)
        yield* TestClock.adjust("1 second")
        yield* Msw.awaitSleep(45_000)
        yield* TestClock.adjust("44 seconds")
        yield* Fiber.join(fiber)
        assert.deepStrictEqual(
          unknown.requests.map((r) => r.at),
          [0, 45_000]
        )
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("pauses a method before it crosses its budget, until the reset; other methods go on", () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal(() =>
          Msw.ok([], { ...Msw.time(start, { operating: 440, operating_reset_at: start + 20 }), finish: start })
        )
        const program = Effect.gen(function* () {
          const bitrix = yield* Bitrix24.Bitrix24
          yield* Msw.callGet()
          const budget = yield* bitrix.budget.budget("im.recent.get")
          assert.strictEqual(Option.getOrThrow(budget).operating, 440)
          const fiber = yield* Effect.fork(Msw.callGet())
          yield* bitrix.call("im.recent.list", {}, Schema.Struct({ result: Schema.Unknown }))
          yield* Msw.awaitSleep(20_000)
          yield* TestClock.adjust("20 seconds")
          yield* Fiber.join(fiber)
        })
        yield* program.pipe(Effect.provide(Msw.webhookLayer(portal)))
        assert.deepStrictEqual(
          portal.requests.map((r) => [r.url.pathname.split("/").pop(), r.at]),
          [
            ["im.recent.get", 0],
            ["im.recent.list", 0],
            ["im.recent.get", 20_000]
          ]
        )
      }).pipe(Effect.provide(Msw.layer))
    )

    it.effect("responses without operating fields (self-hosted) never pause", () =>
      Effect.gen(function* () {
        const { operating: _o, operating_reset_at: _r, ...bare } = Msw.time(start)
        const portal = yield* Msw.fakePortal(() => Msw.ok([], bare))
        yield* Effect.all([Msw.callGet(), Msw.callGet(), Msw.callGet()]).pipe(Effect.provide(Msw.webhookLayer(portal)))
        assert.deepStrictEqual(
          portal.requests.map((r) => r.at),
          [0, 0, 0]
        )
      }).pipe(Effect.provide(Msw.layer))
    )
  })

  describe("timeouts", () => {
    const hanging = (state: { aborted: boolean; started: number }): typeof globalThis.fetch =>
      ((_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((_, reject) => {
          state.started += 1
          init?.signal?.addEventListener("abort", () => {
            state.aborted = true
            reject(init.signal!.reason)
          })
        })) as typeof globalThis.fetch

    const layerWith = (fetch: typeof globalThis.fetch, options: Bitrix24.Options) =>
      Bitrix24.layerWebhook(Redacted.make(`https://${Msw.uniqueHost()}/rest/1/abc123/`), options).pipe(
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch))
      )

    it.effect("a request without an answer times out (60 s by default) and is aborted", () =>
      Effect.gen(function* () {
        const state = { aborted: false, started: 0 }
        const fiber = yield* Effect.fork(
          Effect.flip(Msw.callGet().pipe(Effect.provide(layerWith(hanging(state), { retry: RetrySchedule.none }))))
        )
        yield* Msw.awaitSleep(60_000)
        yield* TestClock.adjust("59 seconds")
        assert.isFalse(state.aborted)
        yield* TestClock.adjust("1 second")
        const error = yield* Fiber.join(fiber)
        assert.instanceOf(error, Bitrix24Error.Timeout)
        assert.strictEqual(error.timeoutMillis, 60_000)
        assert.isTrue(error.retryable)
        assert.isTrue(state.aborted)
      })
    )

    it.effect("interrupting a call aborts the HTTP request", () =>
      Effect.gen(function* () {
        const state = { aborted: false, started: 0 }
        const fiber = yield* Effect.fork(
          Msw.callGet().pipe(Effect.provide(layerWith(hanging(state), { timeout: "5 seconds" })))
        )
        yield* Msw.awaitSleep(5_000)
        assert.strictEqual(state.started, 1)
        const exit = yield* Fiber.interrupt(fiber)
        assert.isTrue(Exit.isInterrupted(exit))
        assert.isTrue(state.aborted)
      })
    )
  })

  it.effect("DateTime parameters the caller encodes itself still go out as given", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal(() => Msw.ok([]))
      const wire = Schema.encodeSync(RecentGet.Params)({
        LAST_SYNC_DATE: DateTime.unsafeMake("2026-02-25T18:30:00.123Z")
      })
      yield* Msw.callGet(wire).pipe(Effect.provide(Msw.webhookLayer(portal)))
      assert.deepStrictEqual(portal.requests[0]!.json, { LAST_SYNC_DATE: "2026-02-25T18:30:00+00:00" })
    }).pipe(Effect.provide(Msw.layer))
  )
})
