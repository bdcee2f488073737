import { inspect } from "node:util"
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, Bitrix24Auth, ImRecent, RetrySchedule, TokenStore } from "@im-recent/client"
import { RateLimit, RecentGet } from "@im-recent/domain"
import {
  Cause,
  Clock,
  type Context,
  Effect,
  Exit,
  Fiber,
  Inspectable,
  Layer,
  Logger,
  LogLevel,
  type Option,
  Redacted,
  TestClock,
  Tracer
} from "effect"
import { HttpResponse, http } from "msw"
import * as Msw from "./support/Msw.js"

/** Recognisable secrets: none of them may appear in anything the client produces. */
const WEBHOOK_CODE = "WHKsecret0xDEADBEEF"
const ACCESS = "ACCsecret0xCAFEBABE"
const REFRESH = "REFsecret0xFEEDFACE"
const CLIENT_SECRET = "CLIsecret0xBADC0FFEE"
const NEW_ACCESS = "NEWACCsecret0x1234"
const NEW_REFRESH = "NEWREFsecret0x5678"
const SECRETS = [WEBHOOK_CODE, ACCESS, REFRESH, CLIENT_SECRET, NEW_ACCESS, NEW_REFRESH]

/** Everything produced: error texts, causes, log lines, span names/attributes/events/exits. */
class Sink {
  readonly texts: Array<{ readonly where: string; readonly text: string }> = []
  readonly spans: Array<CapturedSpan> = []
  add(where: string, value: unknown) {
    this.texts.push({ where, text: typeof value === "string" ? value : safeStringify(value) })
  }
  error(where: string, error: unknown) {
    this.add(`${where}: message`, (error as Error).message)
    this.add(`${where}: String`, String(error))
    this.add(`${where}: JSON`, JSON.stringify(error))
    this.add(`${where}: Inspectable`, Inspectable.format(error))
    this.add(`${where}: inspect`, inspect(error, { depth: 20 }))
    this.add(`${where}: toJSON`, Inspectable.toJSON(error))
  }
}

const safeStringify = (value: unknown): string => {
  try {
    return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value)
  } catch {
    return String(value)
  }
}

class CapturedSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId = Math.random().toString(16).slice(2)
  readonly traceId = "trace"
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly events: Array<readonly [string, Record<string, unknown> | undefined]> = []
  links: ReadonlyArray<Tracer.SpanLink>
  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    this.links = links
    this.status = { _tag: "Started", startTime }
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>) {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
  }
  attribute(key: string, value: unknown) {
    this.attributes.set(key, value)
  }
  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>) {
    this.events.push([name, attributes])
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>) {
    this.links = [...this.links, ...links]
  }
}

/** Runs `effect` with a recording tracer and logger (every level) and records its outcome. */
const sweep = <A, E, R>(sink: Sink, label: string, effect: Effect.Effect<A, E, R>) => {
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const span = new CapturedSpan(name, parent, context, links, startTime, kind)
      sink.spans.push(span)
      return span
    },
    context: (f) => f()
  })
  const logger = Logger.make((options) => {
    sink.add(`${label}: log`, Logger.stringLogger.log(options))
    sink.add(`${label}: log json`, Logger.structuredLogger.log(options))
    sink.add(`${label}: log cause`, Cause.pretty(options.cause, { renderErrorCause: true }))
  })
  return effect.pipe(
    Effect.exit,
    Effect.tap((exit) =>
      Effect.sync(() => {
        sink.add(`${label}: exit`, String(exit))
        sink.add(`${label}: exit json`, exit)
        if (Exit.isFailure(exit)) {
          sink.add(`${label}: cause`, Cause.pretty(exit.cause, { renderErrorCause: true }))
          sink.error(label, Cause.squash(exit.cause))
        }
      })
    ),
    Effect.withTracer(tracer),
    Effect.withTracerEnabled(true),
    Effect.provide(Logger.add(logger)),
    Logger.withMinimumLogLevel(LogLevel.All)
  )
}

const spanTexts = (sink: Sink): ReadonlyArray<{ where: string; text: string }> =>
  sink.spans.flatMap((span) => [
    { where: `span ${span.name}: name`, text: span.name },
    ...[...span.attributes].map(([k, v]) => ({ where: `span ${span.name}: ${k}`, text: String(v) })),
    ...span.events.map(([n, a]) => ({ where: `span ${span.name}: event`, text: `${n} ${safeStringify(a)}` })),
    ...(span.status._tag === "Ended"
      ? [
          { where: `span ${span.name}: exit`, text: String(span.status.exit) },
          {
            where: `span ${span.name}: exit cause`,
            text: Exit.isFailure(span.status.exit)
              ? Cause.pretty(span.status.exit.cause, { renderErrorCause: true })
              : ""
          }
        ]
      : [])
  ])

const assertClean = (sink: Sink) => {
  const all = [...sink.texts, ...spanTexts(sink)]
  assert.isAbove(all.length, 100)
  for (const { where, text } of all) {
    for (const secret of SECRETS) {
      if (text.includes(secret)) assert.fail(`secret ${secret} leaked in ${where}: ${text.slice(0, 500)}`)
    }
  }
}

describe("secret hygiene", () => {
  it.effect("no webhook code in errors, causes, logs or spans, on every error path", () =>
    Effect.gen(function* () {
      const sink = new Sink()
      const url = (host: string) => `https://${host}/rest/1/${WEBHOOK_CODE}/im.recent.get`
      const table = Msw.fixture<{ errors: ReadonlyArray<{ http_status: number; error: string }> }>(
        "system-errors.table.json"
      ).errors
      const responders: Array<readonly [string, Msw.Responder]> = [
        ...table.map(
          (row) =>
            [
              row.error,
              (r: Msw.Recorded) =>
                Msw.envelope(row.http_status, row.error, `denied for ${r.url.toString()} (${WEBHOOK_CODE})`)
            ] as const
        ),
        ["unknown 5xx", () => Msw.envelope(502, "WEIRD", `upstream said ${WEBHOOK_CODE}`)],
        ["method error", () => Msw.envelope(400, "DIALOG_ID_EMPTY", `bad dialog in /rest/1/${WEBHOOK_CODE}/`)],
        [
          "HTML 502",
          (r) =>
            new Response(`<html><body><h1>502</h1><p>${r.url}</p><p>${WEBHOOK_CODE}</p></body></html>`, {
              status: 502,
              headers: { "content-type": "text/html" }
            })
        ],
        ["truncated JSON", () => new Response(`{"result":[{"id":"${WEBHOOK_CODE}","title":"x`, { status: 200 })],
        ["unexpected JSON", () => Msw.json({ message: `no route /rest/1/${WEBHOOK_CODE}/` }, 404)],
        [
          "decode error",
          () => {
            const body = structuredClone(Msw.fixture<Msw.WireGet>("im.recent.get.en.json"))
            body.result[0]!.date_update = WEBHOOK_CODE
            body.result[1]!.title = { leaked: WEBHOOK_CODE }
            return Msw.json(body)
          }
        ],
        ["network", () => HttpResponse.error()],
        ["success", () => Msw.json(Msw.fixture("im.recent.get.en.json"))]
      ]
      for (const [label, respond] of responders) {
        const portal = yield* Msw.fakePortal(respond, { webhookCode: WEBHOOK_CODE })
        yield* sweep(
          sink,
          label,
          Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(portal, { retry: RetrySchedule.none })))
        )
        // the secret did travel: the sweep is meaningful
        assert.strictEqual(portal.requests[0]!.url.toString(), url(portal.host))
      }

      // retries log at debug level: QUERY_LIMIT_EXCEEDED, then OVERLOAD_LIMIT
      const retried = yield* Msw.fakePortal(
        (_, i) => (i === 0 ? Msw.envelope(503, "QUERY_LIMIT_EXCEEDED") : Msw.envelope(503, "OVERLOAD_LIMIT")),
        { webhookCode: WEBHOOK_CODE }
      )
      const fiber = yield* Effect.fork(
        sweep(
          sink,
          "retry",
          Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(retried, { retry: RetrySchedule.defaultSchedule })))
        )
      )
      yield* retried.awaitRequests(1)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      assert.strictEqual(retried.requests.length, 2)

      // a timeout (the HTTP request never answers) and a refused method name
      const hanging = ((_: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((_, reject) =>
          init?.signal?.addEventListener("abort", () => reject(init.signal!.reason))
        )) as typeof fetch
      const timeoutLayer = Bitrix24.layerWebhook(Redacted.make(`https://${Msw.uniqueHost()}/rest/1/${WEBHOOK_CODE}/`), {
        retry: RetrySchedule.none,
        timeout: "5 seconds"
      }).pipe(Layer.provide(FetchHttpClient.layer), Layer.provide(Layer.succeed(FetchHttpClient.Fetch, hanging)))
      const timing = yield* Effect.fork(sweep(sink, "timeout", Msw.callGet().pipe(Effect.provide(timeoutLayer))))
      yield* Msw.awaitSleep((yield* Clock.currentTimeMillis) + 5000)
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(timing)
      yield* sweep(
        sink,
        "invalid method",
        Effect.flatMap(Bitrix24.Bitrix24, (b) => b.call(`x/${WEBHOOK_CODE}`, {}, RecentGet.Response)).pipe(
          Effect.provide(timeoutLayer)
        )
      )
      yield* sweep(
        sink,
        "invalid endpoint",
        Effect.scoped(
          Layer.build(
            Bitrix24.layerWebhook(Redacted.make(`http://portal.example.test/rest/1/${WEBHOOK_CODE}/`)).pipe(
              Layer.provide(FetchHttpClient.layer)
            )
          )
        )
      )
      yield* sweep(sink, "malformed webhook", Bitrix24Auth.webhook(Redacted.make(`nonsense:${WEBHOOK_CODE}`)))

      // the values the client holds print redacted
      const auth = yield* Bitrix24Auth.webhook(Redacted.make(`https://portal.example.test/rest/1/${WEBHOOK_CODE}/`))
      const credential = yield* auth.credential
      sink.add("auth inspect", inspect(auth, { depth: 10 }))
      sink.add("credential inspect", inspect(credential, { depth: 10 }))
      sink.add("credential JSON", credential)
      sink.add("credential url", String(credential.url("im.recent.get")))
      sink.add("credential displayUrl", credential.displayUrl("im.recent.get"))
      sink.add("auth secrets", String(auth.secrets()))

      const names = new Set(sink.spans.map((s) => s.name))
      assert.isTrue(names.has("Bitrix24.call") && names.has("Bitrix24.request"), [...names].join(","))
      const request = sink.spans.find((s) => s.name === "Bitrix24.request")!
      assert.include(String(request.attributes.get("url.full")), "/rest/1/<redacted>/im.recent.get")
      // the platform's own HTTP span (it records url.full unredacted) is not created
      assert.isFalse(
        [...names].some((n) => n.startsWith("http.client")),
        [...names].join(",")
      )
      assert.isTrue(sink.texts.some((t) => t.where.endsWith(": log") && t.text.includes("attempt 1 failed")))
      assertClean(sink)
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("no token or client secret in errors, causes, logs or spans, on every OAuth path", () =>
    Effect.gen(function* () {
      const sink = new Sink()
      const msw = yield* Msw.Msw
      const tokenBody = (overrides?: Record<string, unknown>) => ({
        ...Msw.fixture<Record<string, unknown>>("oauth.token.refresh_token.en.json"),
        access_token: NEW_ACCESS,
        refresh_token: NEW_REFRESH,
        expires: 3600,
        ...overrides
      })
      const echo = `grant_type=refresh_token&client_id=app&client_secret=${CLIENT_SECRET}&refresh_token=${REFRESH}`
      const oauthResponders: Array<readonly [string, () => Response]> = [
        [
          "invalid_grant",
          () => Msw.envelope(400, "invalid_grant", `refresh token ${REFRESH} is dead (client ${CLIENT_SECRET})`)
        ],
        ["invalid_client", () => Msw.envelope(401, "invalid_client", `bad secret ${CLIENT_SECRET}`)],
        ["oauth unknown", () => Msw.envelope(400, "strange", `access ${ACCESS}`)],
        ["oauth HTML", () => new Response(`<html><body>${echo}</body></html>`, { status: 500 })],
        [
          "oauth truncated",
          () => new Response(`{"access_token":"${NEW_ACCESS}","refresh_token":"${NEW_REFRESH}`, { status: 200 })
        ],
        ["oauth decode", () => Msw.json(tokenBody({ expires_in: `in ${NEW_ACCESS}`, scope: NEW_REFRESH }))],
        ["oauth network", () => HttpResponse.error()],
        ["oauth ok", () => Msw.json(tokenBody())]
      ]
      for (const [label, respond] of oauthResponders) {
        const oauthBase = `https://${Msw.uniqueHost("oauth")}`
        const forms: Array<string> = []
        yield* msw.use(
          http.post(`${oauthBase}/oauth/token/`, async ({ request }) => {
            forms.push(await request.text())
            return respond()
          })
        )
        // the portal refuses the old token, and echoes whatever token it got in its errors
        const portal = yield* Msw.fakePortal((r) =>
          r.json.auth === NEW_ACCESS
            ? Msw.envelope(
                403,
                "INVALID_CREDENTIALS",
                `token ${NEW_ACCESS} (renewed from ${ACCESS}/${REFRESH}) lacks rights`
              )
            : Msw.envelope(401, "expired_token", `token ${String(r.json.auth)} expired`)
        )
        const layer = Bitrix24.layerOAuth(
          {
            portalUrl: portal.origin,
            oauthServerUrl: oauthBase,
            clientId: "app",
            clientSecret: Redacted.make(CLIENT_SECRET),
            tokens: TokenStore.tokens({ accessToken: Redacted.make(ACCESS), refreshToken: Redacted.make(REFRESH) })
          },
          { retry: RetrySchedule.none, rateLimit: RateLimit.make(100, 100) }
        ).pipe(Layer.provide(Layer.merge(FetchHttpClient.layer, TokenStore.layerInMemoryOnly())))
        yield* sweep(
          sink,
          label,
          Effect.zipRight(Effect.exit(Msw.callGet()), Msw.callGet()).pipe(Effect.provide(layer))
        )
        yield* sweep(
          sink,
          `${label} pin`,
          Effect.flatMap(ImRecent.ImRecent, (r) => r.pin("chat1")).pipe(
            Effect.provide(ImRecent.layer.pipe(Layer.provide(layer)))
          )
        )
        assert.include(forms[0]!, `client_secret=${CLIENT_SECRET}`)
        assert.strictEqual(portal.requests[0]!.json.auth, ACCESS)
      }

      const tokens = TokenStore.tokens({
        accessToken: Redacted.make(NEW_ACCESS),
        refreshToken: Redacted.make(NEW_REFRESH)
      })
      sink.add("tokens String", String(tokens))
      sink.add("tokens JSON", tokens)
      sink.add("tokens inspect", inspect(tokens, { depth: 10 }))
      sink.add("tokens Inspectable", Inspectable.format(tokens))
      assert.isTrue(sink.texts.some((t) => t.text.includes("OAuth tokens renewed")))
      assert.isTrue(sink.spans.some((s) => s.name === "Bitrix24Auth.refresh"))
      assertClean(sink)
    }).pipe(Effect.provide(Msw.layer))
  )

  it("the sweep catches a leak", () => {
    const sink = new Sink()
    sink.add("planted", `https://portal/rest/1/${WEBHOOK_CODE}/`)
    for (let i = 0; i < 100; i++) sink.add("filler", "x")
    assert.throws(() => assertClean(sink), /leaked in planted/)
  })
})
