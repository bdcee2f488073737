import { readFileSync } from "node:fs"
import { FetchHttpClient } from "@effect/platform"
import { Bitrix24 } from "@im-recent/client"
import { RecentGet } from "@im-recent/domain"
import { Chunk, Context, Effect, Layer, Queue, Redacted, TestClock } from "effect"
import { type HttpHandler, http } from "msw"
import { setupServer } from "msw/node"

/**
 * One msw server per test file, shared by the concurrent tests of the file: the layer listens when
 * the first test acquires it and closes when the last one releases it. Handlers are only ever added
 * (never reset) and each test uses its own host, so concurrent tests cannot see each other's handlers.
 */
const server = setupServer()
let users = 0

export class Msw extends Context.Tag("test/Msw")<
  Msw,
  { readonly use: (...handlers: Array<HttpHandler>) => Effect.Effect<void> }
>() {}

export const layer: Layer.Layer<Msw> = Layer.scoped(
  Msw,
  Effect.acquireRelease(
    Effect.sync(() => {
      if (users++ === 0) server.listen({ onUnhandledRequest: "error" })
      return { use: (...handlers: Array<HttpHandler>) => Effect.sync(() => server.use(...handlers)) }
    }),
    () =>
      Effect.sync(() => {
        if (--users === 0) server.close()
      })
  )
)

let hostCounter = 0
export const uniqueHost = (label = "portal"): string =>
  `${label}-${++hostCounter}-${Math.random().toString(36).slice(2, 8)}.bitrix24.test`

/** A request as the fake portal saw it, with the TestClock time of its arrival. */
export interface Recorded {
  readonly url: URL
  readonly method: string
  readonly headers: Headers
  readonly text: string
  /** The JSON body (`{}` when it is not a JSON object). */
  readonly json: Readonly<Record<string, unknown>>
  readonly at: number
  readonly signal: AbortSignal
}

export type Responder = (request: Recorded, index: number) => Response | Promise<Response>

export interface FakePortal {
  readonly host: string
  readonly origin: string
  readonly webhookCode: string
  readonly webhook: Redacted.Redacted<string>
  readonly requests: Array<Recorded>
  readonly arrivals: Queue.Queue<Recorded>
  /** Waits until `n` requests have arrived in total. */
  readonly awaitRequests: (n: number) => Effect.Effect<ReadonlyArray<Recorded>>
}

/**
 * Registers a fake portal on a fresh host: every request to it is recorded and answered by
 * `respond`. Arrival times are read from the test's Clock (the TestClock in `it.effect`).
 */
export const fakePortal = (
  respond: Responder,
  options?: { readonly origin?: string; readonly webhookCode?: string }
): Effect.Effect<FakePortal, never, Msw> =>
  Effect.gen(function* () {
    const msw = yield* Msw
    const clock = yield* Effect.clock
    const host = uniqueHost()
    const origin = options?.origin ?? `https://${host}`
    const webhookCode = options?.webhookCode ?? "abcdef0123456789"
    const requests: Array<Recorded> = []
    const arrivals = yield* Queue.unbounded<Recorded>()
    yield* msw.use(
      http.all(`${origin}/*`, async ({ request }) => {
        const text = await request.text()
        let json: Record<string, unknown> = {}
        try {
          const parsed: unknown = text === "" ? undefined : JSON.parse(text)
          if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
            json = parsed as Record<string, unknown>
        } catch {
          // not JSON: kept as text only
        }
        const recorded: Recorded = {
          url: new URL(request.url),
          method: request.method,
          headers: request.headers,
          text,
          json,
          at: clock.unsafeCurrentTimeMillis(),
          signal: request.signal
        }
        requests.push(recorded)
        Queue.unsafeOffer(arrivals, recorded)
        return respond(recorded, requests.length - 1)
      })
    )
    return {
      host,
      origin,
      webhookCode,
      webhook: Redacted.make(`${origin}/rest/1/${webhookCode}/`),
      requests,
      arrivals,
      awaitRequests: (n) =>
        Effect.gen(function* () {
          while (requests.length < n) yield* Queue.take(arrivals)
          return requests.slice()
        })
    }
  })

/** The transport over a fake portal's webhook, with the real FetchHttpClient (intercepted by msw). */
export const webhookLayer = (portal: FakePortal, options?: Bitrix24.Options) =>
  Bitrix24.layerWebhook(portal.webhook, options).pipe(Layer.provide(FetchHttpClient.layer))

export const fixturesDir = new URL("../../../../contracts/fixtures/", import.meta.url)
export const fixtureText = (name: string): string => readFileSync(new URL(name, fixturesDir), "utf8")
/** A fixture parsed as JSON, typed by the caller (test data, not validated). */
export const fixture = <A = unknown>(name: string): A => JSON.parse(fixtureText(name)) as A

/** A recent item on the wire, as far as the tests read or change it. */
export interface WireItem {
  [key: string]: unknown
  id: string | number
  chat_id: number
  pinned: boolean
  title: unknown
  date_update: string
  date_last_activity?: string
  chat: Record<string, unknown>
  message: Record<string, unknown> & { text: string; date: string }
}

/** An `im.recent.get` body on the wire. */
export interface WireGet {
  result: Array<WireItem>
  time: Record<string, unknown>
}

/** An `im.recent.list` body on the wire. */
export interface WireList {
  result: { items: Array<WireItem>; hasMore: boolean }
  time: Record<string, unknown>
}

/** An error body. */
export interface WireError {
  error: string
  error_description: string
}

export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } })

export const envelope = (status: number, error: string, error_description?: string): Response =>
  json(error_description === undefined ? { error } : { error, error_description }, status)

/** A `time` object the way the server writes it. */
export const time = (start: number, extra?: { readonly operating?: number; readonly operating_reset_at?: number }) => {
  const iso = new Date(start * 1000).toISOString().slice(0, 19)
  return {
    start,
    finish: start + 0.05,
    duration: 0.05,
    processing: 0,
    date_start: `${iso}+00:00`,
    date_finish: `${iso}+00:00`,
    ...extra
  }
}

/** `{ result, time }`. */
export const ok = (result: unknown, timeObject: unknown = time(1_772_086_038)): Response =>
  json({ result, time: timeObject })

/**
 * Waits (in real time, bounded) until some fiber sleeps on the TestClock until `at` (ms): the way
 * to know a retry, bucket or budget wait is in place before moving the clock.
 */
export const awaitSleep = (at: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < 5_000; i++) {
      const sleeps = yield* TestClock.sleeps()
      if (Chunk.some(sleeps, (t) => t === at)) return
      yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
    }
    const sleeps = yield* TestClock.sleeps()
    return yield* Effect.dieMessage(`no fiber sleeps until ${at} (sleeps: ${Chunk.toReadonlyArray(sleeps).join(", ")})`)
  })

/** Calls `im.recent.get` through the `Bitrix24` transport in context. */
export const callGet = (params: Readonly<Record<string, unknown>> = {}, options?: Bitrix24.CallOptions) =>
  Effect.flatMap(Bitrix24.Bitrix24, (bitrix) => bitrix.call("im.recent.get", params, RecentGet.Response, options))
