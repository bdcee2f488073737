/**
 * Redirects over real loopback sockets, with each HTTP client the README names: Node's `fetch` (which would follow a
 * redirect by itself, to any host, and fails on a 307 in Node 20), undici's `request` and `node:http`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, Bitrix24Error, RetrySchedule } from "@im-recent/client"
import { RecentGet } from "@im-recent/domain"
import { Effect, Layer, Redacted } from "effect"

const CODE = "r3d1r3ctc0de0001"

interface Seen {
  readonly method: string
  readonly url: string
  readonly body: string
}

/** A loopback server answering with `respond`; every request is recorded with its body. */
const serve = (
  respond: (
    request: Seen,
    index: number,
    port: number
  ) => { status: number; headers?: Record<string, string>; body?: string }
) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Server; readonly port: number; readonly seen: Array<Seen> }>((resume) => {
      const seen: Array<Seen> = []
      const server = createServer((request: IncomingMessage, response: ServerResponse) => {
        let body = ""
        request.setEncoding("utf8")
        request.on("data", (chunk: string) => {
          body += chunk
        })
        request.on("end", () => {
          const entry = { method: request.method ?? "", url: request.url ?? "", body }
          seen.push(entry)
          const answer = respond(entry, seen.length - 1, (server.address() as AddressInfo).port)
          response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers })
          response.end(answer.body ?? "")
        })
      })
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({ server, port: (server.address() as AddressInfo).port, seen }))
      )
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

const ok = JSON.stringify({
  result: [],
  time: {
    start: 1_772_086_038,
    finish: 1_772_086_038.05,
    duration: 0.05,
    processing: 0,
    date_start: "2026-02-26T09:07:18+03:00",
    date_finish: "2026-02-26T09:07:18+03:00"
  }
})

/** A short retry schedule: a retried error would show up as more requests. */
const retry = RetrySchedule.exponential({ base: "5 millis", jitter: false, times: 2 })

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["fetch", FetchHttpClient.layer],
  ["undici", NodeHttpClient.layerUndici],
  ["node:http", NodeHttpClient.layer]
]

const callGet = (port: number, http: Layer.Layer<HttpClient.HttpClient>) =>
  Effect.flatMap(Bitrix24.Bitrix24, (bitrix) =>
    bitrix.call(RecentGet.method, { SKIP_OPENLINES: "Y" }, RecentGet.Response)
  ).pipe(
    Effect.provide(
      Bitrix24.layerWebhook(Redacted.make(`http://127.0.0.1:${port}/rest/1/${CODE}/`), { retry }).pipe(
        Layer.provide(http)
      )
    )
  )

describe("redirects", () => {
  for (const [name, http] of clients) {
    describe(name, () => {
      it.live("a 302 to another host is not followed: PortalMoved names the new origin, never the code", () =>
        Effect.scoped(
          Effect.gen(function* () {
            const moved = yield* serve(() => ({ status: 200, body: ok }))
            const old = yield* serve((request) => ({
              status: 302,
              headers: { location: `http://localhost:${moved.port}${request.url}` }
            }))
            const error = yield* Effect.flip(callGet(old.port, http))
            assert.instanceOf(error, Bitrix24Error.PortalMoved)
            assert.strictEqual(error.location, `http://localhost:${moved.port}`)
            assert.strictEqual(error.status, 302)
            assert.isFalse(error.retryable)
            assert.include(error.message, "address changes")
            assert.notInclude(error.message, CODE)
            assert.notInclude(JSON.stringify(error), CODE)
            assert.strictEqual(old.seen.length, 1)
            assert.strictEqual(moved.seen.length, 0)
          })
        )
      )

      it.live("a 307 to another port is a move too (the origin differs), and is not retried", () =>
        Effect.scoped(
          Effect.gen(function* () {
            const moved = yield* serve(() => ({ status: 200, body: ok }))
            const old = yield* serve((request) => ({
              status: 307,
              headers: { location: `http://127.0.0.1:${moved.port}${request.url}` }
            }))
            const error = yield* Effect.flip(callGet(old.port, http))
            assert.instanceOf(error, Bitrix24Error.PortalMoved)
            assert.strictEqual(error.location, `http://127.0.0.1:${moved.port}`)
            assert.strictEqual(old.seen.length, 1)
            assert.strictEqual(moved.seen.length, 0)
          })
        )
      )

      it.live("a 307 or 301 within the portal is followed with the same method and body, once", () =>
        Effect.scoped(
          Effect.gen(function* () {
            const portal = yield* serve((request, index) =>
              index === 0
                ? { status: 307, headers: { location: `/moved${request.url}` } }
                : index === 1
                  ? { status: 301, headers: { location: request.url.replace("/moved", "/again") } }
                  : { status: 200, body: ok }
            )
            const response = yield* callGet(portal.port, http)
            assert.deepStrictEqual(response.result, [])
            assert.deepStrictEqual(
              portal.seen.map((r) => [r.method, r.url, r.body]),
              [
                ["POST", `/rest/1/${CODE}/im.recent.get`, '{"SKIP_OPENLINES":"Y"}'],
                ["POST", `/moved/rest/1/${CODE}/im.recent.get`, '{"SKIP_OPENLINES":"Y"}'],
                ["POST", `/again/rest/1/${CODE}/im.recent.get`, '{"SKIP_OPENLINES":"Y"}']
              ]
            )
          })
        )
      )

      it.live("a redirect without a Location, or a loop within the portal, is an InvalidResponseBody", () =>
        Effect.scoped(
          Effect.gen(function* () {
            const bare = yield* serve(() => ({ status: 302 }))
            const missing = yield* Effect.flip(callGet(bare.port, http))
            assert.instanceOf(missing, Bitrix24Error.InvalidResponseBody)
            assert.strictEqual(missing._tag === "InvalidResponseBody" && missing.reason, "Redirect")
            assert.include(missing.message, "no usable Location")
            assert.strictEqual(bare.seen.length, 1)

            const loop = yield* serve((request) => ({ status: 308, headers: { location: request.url } }))
            const looping = yield* Effect.flip(callGet(loop.port, http))
            assert.instanceOf(looping, Bitrix24Error.InvalidResponseBody)
            assert.include(looping.message, "more than 5 redirects")
            assert.strictEqual(loop.seen.length, 6)
          })
        )
      )
    })
  }

  it.live("a RequestInit given to the client is kept (only redirect is forced to manual)", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const moved = yield* serve(() => ({ status: 200, body: ok }))
        const old = yield* serve(() => ({ status: 302, headers: { location: `http://localhost:${moved.port}/` } }))
        const seenHeaders: Array<string | null> = []
        const fetchSpy: typeof globalThis.fetch = (input, init) => {
          seenHeaders.push(init?.redirect ?? null, String(init?.referrerPolicy))
          return globalThis.fetch(input, init)
        }
        const error = yield* Effect.flip(
          callGet(old.port, FetchHttpClient.layer).pipe(
            Effect.provideService(FetchHttpClient.Fetch, fetchSpy),
            Effect.provideService(FetchHttpClient.RequestInit, { redirect: "follow", referrerPolicy: "no-referrer" })
          )
        )
        assert.instanceOf(error, Bitrix24Error.PortalMoved)
        assert.deepStrictEqual(seenHeaders, ["manual", "no-referrer"])
      })
    )
  )
})
