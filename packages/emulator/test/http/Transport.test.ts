import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, describe, it } from "@effect/vitest"
import { Emulator } from "@im-recent/emulator"
import { Effect, Layer, Logger, LogLevel, TestClock } from "effect"
import { answerOf, base, hook1, type Json, options, secrets } from "./support.js"

/** The emulator on a real loopback socket, with an `HttpClient` pointed at it. */
const loopback = (overrides: Partial<Emulator.Options> = {}) =>
  Emulator.layer(options(overrides)).pipe(Layer.provideMerge(NodeHttpServer.layerTest))

const hookPath = `/rest/1/${secrets.hook1}`

const json = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.map(response.json, (body) => ({ status: response.status, body: body as Json }))

describe("over real loopback HTTP (NodeHttpServer.layerTest)", () => {
  it.effect("answers webhook and OAuth calls; client_endpoint is the server's own address", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const recent = yield* client.get(`${hookPath}/im.recent.get.json`).pipe(Effect.flatMap(json))
      assert.strictEqual(recent.status, 200)
      assert.strictEqual(recent.body.result[0].id, 2)
      assert.strictEqual(recent.body.time.date_start, "2026-02-26T09:07:18+03:00")
      const form = yield* HttpClientRequest.post("/rest/im.recent.get").pipe(
        HttpClientRequest.bodyUrlParams({ auth: secrets.access1 }),
        client.execute,
        Effect.flatMap(json)
      )
      assert.strictEqual(form.body.result[0].id, 2)
      const refreshed = yield* client
        .get(
          `/oauth/token/?grant_type=refresh_token&client_id=${secrets.clientId}&client_secret=${secrets.clientSecret}&refresh_token=${secrets.refresh1}`
        )
        .pipe(Effect.flatMap(json))
      const emulator = yield* Emulator.Emulator
      assert.match(emulator.publicUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.strictEqual(refreshed.body.client_endpoint, `${emulator.publicUrl}/rest/`)
      const urls = yield* Emulator.webhookUrls(emulator)
      assert.deepStrictEqual(urls[0], {
        userId: 1,
        scopes: ["im", "user", "department"],
        url: `${emulator.publicUrl}/rest/1/${secrets.hook1}/`
      })
      assert.deepStrictEqual(urls[2], {
        userId: 1,
        scopes: ["user"],
        url: `${emulator.publicUrl}/rest/1/${secrets.userScopeOnly}/`
      })
    }).pipe(Effect.provide(loopback()))
  )

  it.effect("the leaky bucket runs on TestClock across real sockets", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const status = client.get(`${hookPath}/test.echo`).pipe(Effect.map((response) => response.status))
      assert.deepStrictEqual([yield* status, yield* status, yield* status], [200, 200, 503])
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* status, 200)
    }).pipe(Effect.provide(loopback({ rateLimit: { burst: 2, drainPerSecond: 1 } })))
  )

  it.effect("a body over the limit gets its 413 (not a reset), and the server keeps serving", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const big = yield* HttpClientRequest.post(`${hookPath}/test.echo`).pipe(
        HttpClientRequest.bodyUnsafeJson({ text: "x".repeat(2 * 1024 * 1024) }),
        client.execute,
        Effect.flatMap(json)
      )
      assert.strictEqual(big.status, 413)
      assert.strictEqual(big.body.error, "INVALID_REQUEST")
      const after = yield* client.get(`${hookPath}/test.echo`)
      assert.strictEqual(after.status, 200)
    }).pipe(Effect.provide(loopback()))
  )

  it.effect("good and bad requests side by side", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const requests = Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0
          ? HttpClientRequest.post(`${hookPath}/test.echo`).pipe(
              HttpClientRequest.bodyText("{oops", "application/json"),
              client.execute
            )
          : i % 3 === 1
            ? client.get(`${hookPath}/test.echo?a${"[x]".repeat(70)}=1`)
            : client.get(`${hookPath}/test.echo?i=${i}`)
      )
      const answers = yield* Effect.forEach(requests, (request) => Effect.flatMap(request, json), {
        concurrency: "unbounded"
      })
      answers.forEach((answer, i) => {
        if (i % 3 === 2) assert.deepStrictEqual(answer.body.result.params, { i: String(i) })
        else if (i % 3 === 0) assert.deepStrictEqual(answer.body.result.params, {}, "malformed JSON is dropped")
        else assert.strictEqual(answer.status, 400)
      })
    }).pipe(Effect.provide(loopback({ rateLimit: false })))
  )

  it.effect("a dropped connection closes the socket without an answer", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const first = yield* client.get(`${hookPath}/test.echo`)
      assert.strictEqual(first.status, 200)
      const error = yield* Effect.flip(client.get(`${hookPath}/test.echo`))
      assert.strictEqual(error._tag, "RequestError")
      const other = yield* client.get(`${hookPath}/test.list`)
      assert.strictEqual(other.status, 200)
    }).pipe(Effect.provide(loopback({ faults: { dropConnection: { every: 2, methods: ["test.echo"] } } })))
  )
})

describe("a server on a port fetch refuses (the Fetch standard's bad ports)", () => {
  const on = (port: number) =>
    Layer.build(Emulator.layer(options())).pipe(
      Effect.provideService(
        HttpServer.HttpServer,
        HttpServer.make({ serve: () => Effect.void, address: { _tag: "TcpAddress", hostname: "127.0.0.1", port } })
      ),
      Effect.scoped
    )

  it.effect("fails with OptionsError naming the port and why; other ports serve", () =>
    Effect.gen(function* () {
      for (const port of [9, 6000]) {
        const error = yield* Effect.flip(on(port))
        assert.strictEqual(error._tag, "OptionsError")
        assert.include(error.message, `port ${port} is on the Fetch standard's list of blocked ports`)
      }
      yield* on(6001)
    })
  )
})

describe("through the web handler", () => {
  it.effect("as FetchHttpClient.Fetch", () =>
    Effect.gen(function* () {
      const { handler, dispose } = Emulator.webHandler(options())
      yield* Effect.addFinalizer(() => Effect.promise(dispose))
      yield* Effect.gen(function* () {
        const client = (yield* HttpClient.HttpClient).pipe(HttpClient.filterStatusOk)
        const recent = yield* client.get(`${hook1}/im.recent.get`).pipe(Effect.flatMap(json))
        assert.strictEqual(recent.body.result[0].id, 2)
        const posted = yield* HttpClientRequest.post(`${base}/rest/test.echo`).pipe(
          HttpClientRequest.bodyUnsafeJson({ auth: secrets.access2, x: [1, 2] }),
          client.execute,
          Effect.flatMap(json)
        )
        assert.deepStrictEqual(posted.body.result.params, { x: [1, 2] })
        assert.strictEqual(posted.body.result.userId, 2)
        const failed = yield* Effect.flip(client.get(`${base}/rest/1/wrong/test.echo`))
        assert.strictEqual(failed._tag, "ResponseError")
      }).pipe(Effect.provide(FetchHttpClient.layer), Effect.provideService(FetchHttpClient.Fetch, handler))
    }).pipe(Effect.scoped)
  )

  it("as a plain fetch function, with a dropped connection rejecting", async () => {
    const { handler, dispose } = Emulator.webHandler(options({ faults: { dropConnection: { every: 2 } } }))
    try {
      const first = await answerOf(await handler(`${hook1}/test.echo?a=1`))
      assert.deepStrictEqual(first.body.result.params, { a: "1" })
      await handler(new Request(`${hook1}/test.echo`)).then(
        () => assert.fail("the second request is dropped"),
        (error: { code?: string }) => assert.strictEqual(error.code, "ECONNRESET")
      )
    } finally {
      await dispose()
    }
  })
})

describe("logs", () => {
  it.effect("never contain webhook codes, tokens or client secrets", () =>
    Effect.gen(function* () {
      const captured: Array<string> = []
      const capture = Logger.make(({ annotations, cause, message }) => {
        captured.push(
          [JSON.stringify(message), JSON.stringify(Object.fromEntries(annotations)), String(cause)].join(" ")
        )
      })
      const logged = Layer.mergeAll(Logger.replace(Logger.defaultLogger, capture), Logger.minimumLogLevel(LogLevel.All))
      yield* Effect.gen(function* () {
        const client = yield* HttpClient.HttpClient
        const requests = [
          `${hookPath}/im.recent.get`,
          `${hookPath}/test.defect`,
          `${hookPath}/no.such.method`,
          `/rest/1/${secrets.hook2}/test.echo`,
          `/rest/test.echo?auth=${secrets.access1}`,
          `/rest/test.echo?auth=${secrets.expiredAccess}`,
          `/oauth/token/?grant_type=refresh_token&client_id=${secrets.clientId}&client_secret=${secrets.clientSecret}&refresh_token=${secrets.refresh1}`,
          `/oauth/token/?grant_type=refresh_token&client_id=${secrets.clientId}&client_secret=wrong&refresh_token=${secrets.refresh2}`
        ]
        for (const url of requests) yield* client.get(url)
      }).pipe(Effect.provide(loopback()), Effect.provide(logged))
      assert.isTrue(captured.length > 0, "the emulator logged something")
      for (const line of captured) {
        for (const secret of Object.values(secrets).filter((value) => value !== secrets.clientId)) {
          assert.notInclude(line, secret)
        }
      }
    })
  )
})
