import * as Http from "node:http"
import type * as Net from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { AppInstall, Emulator, Fleet, Generator } from "@im-recent/emulator"
import { Chunk, DateTime, Effect, Either, Fiber, Logger, Queue, Ref, Schedule, TestClock } from "effect"

/** A parsed JSON body: tests index into it freely and assert on what they find. */
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON is asserted on, never trusted
type Json = any

const small = { generator: { users: 4, chats: 2 } } as const
const startAt = "2026-02-26T09:07:18+03:00"
const startSeconds = Date.parse(startAt) / 1000

const getJson = (url: string, init?: RequestInit) =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    return { status: response.status, body: (await response.json()) as Json }
  })

interface Received {
  readonly contentType: string | undefined
  readonly body: string
}

/** A receiver of install events on a loopback port: what it got, answered with `status(n)` for the n-th (from 1). */
const receiver = (port = 0, status: (n: number) => number = () => 200) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Http.Server; readonly url: string; readonly received: Array<Received> }>(
      (resume) => {
        const received: Array<Received> = []
        const server = Http.createServer((request, response) => {
          let body = ""
          request.setEncoding("utf8").on("data", (chunk: string) => {
            body += chunk
          })
          request.on("end", () => {
            received.push({ contentType: request.headers["content-type"], body })
            response.writeHead(status(received.length), { "content-type": "text/plain" }).end("ok")
          })
        })
        server.listen(port, "127.0.0.1", () => {
          const address = server.address() as Net.AddressInfo
          resume(Effect.succeed({ server, url: `http://127.0.0.1:${address.port}/install`, received }))
        })
      }
    ),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

/** A loopback port nothing listens on (it was free a moment ago). */
const closedPort = Effect.async<number>((resume) => {
  const server = Http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as Net.AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** Every log line, also offered to a queue a test can wait on. */
const capturedLogs = Effect.gen(function* () {
  const lines: Array<string> = []
  const queue = yield* Queue.unbounded<string>()
  const logger = Logger.make(({ message }) => {
    const line = (Array.isArray(message) ? message : [message]).map(String).join(" ")
    lines.push(line)
    Queue.unsafeOffer(queue, line)
  })
  const next = (pattern: RegExp): Effect.Effect<string> =>
    Effect.flatMap(Queue.take(queue), (line) => (pattern.test(line) ? Effect.succeed(line) : next(pattern)))
  return { lines, next, layer: Logger.replace(Logger.defaultLogger, logger) }
})

/** Until some fiber sleeps on the TestClock (the delivery waiting for its next attempt). */
const untilSleeping: Effect.Effect<void> = Effect.flatMap(TestClock.sleeps(), (sleeps) =>
  Chunk.isEmpty(sleeps) ? Effect.zipRight(Effect.yieldNow(), untilSleeping) : Effect.void
)

const fieldsOf = (received: Received): ReadonlyArray<readonly [string, string]> => [
  ...new URLSearchParams(received.body)
]

describe("Fleet", () => {
  it.scoped("serves N portals on N ports, portal i generated from seed + i, each with its own member_id and app", () =>
    Effect.gen(function* () {
      const fleet = yield* Fleet.make({ portals: 3, seed: 7, emulator: { ...small, startAt } })
      assert.strictEqual(fleet.portals.length, 3)
      const ports = fleet.portals.map((portal) => new URL(portal.baseUrl).port)
      assert.strictEqual(new Set(ports).size, 3)
      for (const [index, portal] of fleet.portals.entries()) {
        assert.strictEqual(portal.index, index)
        assert.strictEqual(portal.seed, 7 + index)
        assert.match(portal.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
        assert.match(portal.memberId, /^[0-9a-f]{32}$/)
        assert.strictEqual(portal.oauth?.memberId, portal.memberId)
        assert.match(portal.oauth?.applicationToken ?? "", /^[0-9a-f]{32}$/)
        assert.strictEqual(portal.webhook, `${portal.baseUrl}/rest/1/${portal.webhooks[0].url.split("/")[5]}/`)
        // the data is the generator's for seed + i
        const expected = Generator.generate({
          ...Generator.defaults(DateTime.unsafeMake(startAt)),
          ...small.generator,
          seed: 7 + index
        })
        const state = yield* Ref.get(portal.emulator.portal.state)
        assert.deepStrictEqual(state.users, expected.users)
        assert.deepStrictEqual(
          state.webhooks.map((hook) => hook.code),
          expected.webhooks.map((hook) => hook.code)
        )
      }
      for (const key of ["memberId", "webhook"] as const) {
        assert.strictEqual(new Set(fleet.portals.map((portal) => portal[key])).size, 3, key)
      }
      for (const key of ["clientId", "clientSecret", "applicationToken", "accessToken"] as const) {
        assert.strictEqual(new Set(fleet.portals.map((portal) => portal.oauth?.[key])).size, 3, key)
      }
      // different data over HTTP: each portal's recent list, each from its own port
      const lists = yield* Effect.forEach(fleet.portals, (portal) => getJson(`${portal.webhook}im.recent.get`))
      for (const list of lists) assert.strictEqual(list.status, 200)
      const titles = lists.map((list) => JSON.stringify(list.body.result.map((item: Json) => item.title)))
      assert.strictEqual(new Set(titles).size, 3, "three different recent lists")
      // a webhook of one portal is unknown to another
      const foreign = yield* getJson(
        `${fleet.portals[1].baseUrl}${new URL(fleet.portals[0].webhook!).pathname}im.recent.get`
      )
      assert.strictEqual(foreign.status, 401)
      assert.deepStrictEqual(yield* fleet.installs, [], "no installTo, no deliveries")
    })
  )

  it.scoped(
    "each portal has its own rate-limit bucket, operating budgets and tokens, even serving the same state",
    () =>
      Effect.gen(function* () {
        const state = Generator.generate({
          ...Generator.defaults(DateTime.unsafeMake(startAt)),
          ...small.generator,
          seed: 3
        })
        const fleet = yield* Fleet.make({
          portals: 2,
          emulator: { state, startAt, rateLimit: { burst: 3, drainPerSecond: 1 }, operatingLimit: false }
        })
        const [first, second] = fleet.portals
        assert.strictEqual(first.oauth?.accessToken, second.oauth?.accessToken, "the same state: the same tokens")
        // the TestClock stands still: the bucket does not drain
        for (let i = 0; i < 3; i++) assert.strictEqual((yield* getJson(`${first.webhook}im.counters.get`)).status, 200)
        const refused = yield* getJson(`${first.webhook}im.counters.get`)
        assert.strictEqual(refused.status, 503)
        assert.strictEqual(refused.body.error, "QUERY_LIMIT_EXCEEDED")
        assert.strictEqual((yield* getJson(`${second.webhook}im.counters.get`)).status, 200, "the other bucket is full")

        // renewing the pair on one portal leaves the other portal's pair as it was
        const oauth = first.oauth!
        const renewed = yield* getJson(
          `${oauth.tokenUrl}?${new URLSearchParams({
            grant_type: "refresh_token",
            client_id: oauth.clientId,
            client_secret: oauth.clientSecret,
            refresh_token: oauth.refreshToken
          })}`
        )
        assert.strictEqual(renewed.status, 200)
        assert.strictEqual(renewed.body.member_id, first.memberId)
        const withToken = (portal: Fleet.Portal, token: string) =>
          getJson(`${portal.baseUrl}/rest/im.counters.get`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ auth: token })
          })
        assert.strictEqual((yield* withToken(second, oauth.accessToken)).status, 200, "still valid on the other portal")
        assert.strictEqual((yield* withToken(second, renewed.body.access_token)).body.error, "NO_AUTH_FOUND")
      })
  )

  it.scoped("operating budgets are per portal", () =>
    Effect.gen(function* () {
      const state = Generator.generate({ ...Generator.defaults(DateTime.unsafeMake(startAt)), ...small.generator })
      const fleet = yield* Fleet.make({
        portals: 2,
        emulator: { state, startAt, rateLimit: false, operatingLimit: { limitSeconds: 10, cost: 20 } }
      })
      const [first, second] = fleet.portals
      assert.strictEqual((yield* getJson(`${first.webhook}im.counters.get`)).status, 200)
      const blocked = yield* getJson(`${first.webhook}im.counters.get`)
      assert.strictEqual(blocked.status, 429)
      assert.strictEqual(blocked.body.error, "OPERATION_TIME_LIMIT")
      assert.strictEqual((yield* getJson(`${second.webhook}im.counters.get`)).status, 200, "the same webhook elsewhere")
    })
  )

  it.effect("refuses options that cannot work before starting anything, naming each problem", () =>
    Effect.gen(function* () {
      const problems = (options: Fleet.Options) =>
        Effect.map(Effect.flip(Effect.scoped(Fleet.make(options))), (error) => error.message)
      assert.include(yield* problems({ portals: 0 }), "portals must be a whole number from 1 to 256, got 0")
      assert.include(yield* problems({ portals: 1.5 }), "portals must be a whole number")
      assert.include(yield* problems({ portals: 1000 }), "got 1000")
      assert.include(
        yield* problems({ portals: 2, installTo: "notaurl" }),
        'installTo: "notaurl" is not an absolute URL'
      )
      assert.include(yield* problems({ portals: 1, installTo: "ftp://x/" }), "is not an http(s) URL")
      assert.include(yield* problems({ portals: 3, port: 65_534 }), "ports 65534…65536 go past 65535")
      assert.include(yield* problems({ portals: 2, port: 5999 }), "portal 1 on port 6000: port 6000 is on the Fetch")
      assert.include(
        yield* problems({ portals: 2, emulator: (index) => (index === 1 ? { timeZone: "Nowhere/City" } : {}) }),
        "portal 1: "
      )
    })
  )

  it.scoped("a port that is taken: FleetError naming the portal, host and port", () =>
    Effect.gen(function* () {
      const taken = yield* receiver()
      const port = Number(new URL(taken.url).port)
      const error = yield* Effect.flip(Effect.scoped(Fleet.make({ portals: 1, port, emulator: small })))
      assert.strictEqual(error._tag, "FleetError")
      assert.match(error.message, new RegExp(`^portal 0: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`))
    })
  )

  it.scoped("installTo: one ONAPPINSTALL per portal, with the portal's tokens, member_id and application_token", () =>
    Effect.gen(function* () {
      const logs = yield* capturedLogs
      const sink = yield* receiver()
      const fleet = yield* Fleet.make({
        portals: 3,
        seed: 11,
        emulator: { ...small, startAt, generator: { ...small.generator, locale: "en" } },
        installTo: `${sink.url}?secret=receiver-query-secret`
      }).pipe(Effect.provide(logs.layer))
      const deliveries = yield* fleet.installs
      assert.strictEqual(deliveries.length, 3)
      for (const delivery of deliveries) {
        const delivered = Either.getOrThrow(delivery)
        assert.deepStrictEqual([delivered.status, delivered.attempts, delivered.url], [200, 1, `${sink.url}?…`])
      }
      assert.strictEqual(sink.received.length, 3, "exactly one event per portal")
      const byMember = new Map(
        sink.received.map((event) => {
          const fields = new Map(fieldsOf(event))
          return [fields.get("auth[member_id]"), { event, fields }] as const
        })
      )
      for (const portal of fleet.portals) {
        const got = byMember.get(portal.memberId)
        if (got === undefined) return assert.fail(`no event from ${portal.baseUrl}`)
        const oauth = portal.oauth!
        assert.strictEqual(got.event.contentType, "application/x-www-form-urlencoded")
        // the fields, in the order a portal writes them
        assert.deepStrictEqual(fieldsOf(got.event), [
          ["event", "ONAPPINSTALL"],
          ["data[VERSION]", "1"],
          ["data[ACTIVE]", "Y"],
          ["data[INSTALLED]", "Y"],
          ["data[LANGUAGE_ID]", "en"],
          ["ts", String(startSeconds)],
          ["auth[access_token]", oauth.accessToken],
          ["auth[expires]", String(oauth.expires)],
          ["auth[expires_in]", "3600"],
          ["auth[scope]", "im,user"],
          ["auth[domain]", new URL(portal.baseUrl).host],
          ["auth[server_endpoint]", `${portal.baseUrl}/rest/`],
          ["auth[status]", "L"],
          ["auth[client_endpoint]", `${portal.baseUrl}/rest/`],
          ["auth[member_id]", portal.memberId],
          ["auth[user_id]", "1"],
          ["auth[refresh_token]", oauth.refreshToken],
          ["auth[application_token]", oauth.applicationToken]
        ])
        // the pair is the portal's own: it calls the portal, and renews at the token endpoint with the app's secret
        const call = yield* getJson(`${got.fields.get("auth[client_endpoint]")}im.counters.get`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ auth: got.fields.get("auth[access_token]")! }).toString()
        })
        assert.strictEqual(call.status, 200)
        const renewed = yield* getJson(`${portal.baseUrl}/oauth/token/`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "refresh_token",
            client_id: oauth.clientId,
            client_secret: oauth.clientSecret,
            refresh_token: got.fields.get("auth[refresh_token]")!
          }).toString()
        })
        assert.strictEqual(renewed.status, 200)
        assert.strictEqual(renewed.body.member_id, got.fields.get("auth[member_id]"))
      }
      const delivered = logs.lines.filter((line) => line.includes("delivered (HTTP 200) on attempt 1"))
      assert.strictEqual(delivered.length, 3, logs.lines.join("\n"))
      assert.match(
        delivered[0],
        /^ONAPPINSTALL of http:\/\/127\.0\.0\.1:\d+ to http:\/\/127\.0\.0\.1:\d+\/install\?…: /
      )
      const secrets = fleet.portals.flatMap((portal) => [
        portal.oauth!.accessToken,
        portal.oauth!.refreshToken,
        portal.oauth!.clientSecret,
        portal.oauth!.applicationToken,
        ...portal.webhooks.map((hook) => hook.url.split("/")[5])
      ])
      for (const secret of [...secrets, "receiver-query-secret"]) {
        for (const line of logs.lines) assert.notInclude(line, secret)
      }
    })
  )
})

describe("AppInstall.deliver", () => {
  const oneEmulator = Effect.flatMap(Fleet.make({ portals: 1, emulator: { ...small, startAt } }), (fleet) =>
    Effect.succeed(fleet.portals[0])
  )

  it.scoped("a receiver that is not up yet: tries again on the schedule (TestClock) until it is", () =>
    Effect.gen(function* () {
      const logs = yield* capturedLogs
      const portal = yield* oneEmulator
      const port = yield* closedPort
      const url = `http://127.0.0.1:${port}/install`
      const delivery = yield* Effect.fork(AppInstall.deliver(portal.emulator, url).pipe(Effect.provide(logs.layer)))
      assert.match(yield* logs.next(/attempt 1 failed/), /attempt 1 failed: .*ECONNREFUSED/)
      assert.include(yield* logs.next(/trying again/), "trying again in 1s")
      yield* untilSleeping
      // the second attempt, 1 s later: still nobody there
      yield* TestClock.adjust("1 second")
      yield* logs.next(/attempt 2 failed/)
      assert.include(yield* logs.next(/trying again/), "trying again in 2s")
      const sink = yield* receiver(port)
      yield* untilSleeping
      yield* TestClock.adjust("2 seconds")
      const delivered = yield* Fiber.join(delivery)
      assert.deepStrictEqual(delivered, { portal: portal.baseUrl, url, status: 200, attempts: 3 })
      assert.strictEqual(sink.received.length, 1)
      assert.include(logs.lines.at(-1), "delivered (HTTP 200) on attempt 3")
    })
  )

  it.scoped("503 then 200: tried again; 404: refused at once; a schedule that runs out: given up", () =>
    Effect.gen(function* () {
      const logs = yield* capturedLogs
      const portal = yield* oneEmulator
      const busy = yield* receiver(0, (n) => (n === 1 ? 503 : 200))
      const delivery = yield* Effect.fork(
        AppInstall.deliver(portal.emulator, busy.url).pipe(Effect.provide(logs.layer))
      )
      assert.include(yield* logs.next(/attempt 1 failed/), "attempt 1 failed: answered HTTP 503")
      yield* untilSleeping
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Fiber.join(delivery)).attempts, 2)

      const missing = yield* receiver(0, () => 404)
      const refused = yield* Effect.flip(
        AppInstall.deliver(portal.emulator, missing.url).pipe(Effect.provide(logs.layer))
      )
      assert.strictEqual(refused.attempts, 1)
      assert.strictEqual(refused.reason, "refused: answered HTTP 404")
      assert.include(logs.lines.at(-2), "attempt 1 failed: answered HTTP 404; not trying again")
      assert.strictEqual(missing.received.length, 1)

      const port = yield* closedPort
      const gone = yield* Effect.flip(
        AppInstall.deliver(portal.emulator, `http://127.0.0.1:${port}/`, { schedule: Schedule.recurs(2) }).pipe(
          Effect.provide(logs.layer)
        )
      )
      assert.strictEqual(gone.attempts, 3)
      assert.match(
        gone.message,
        /^ONAPPINSTALL of http:\/\/127\.0\.0\.1:\d+ to .* not delivered after 3 attempts: given up: /
      )
    })
  )

  it.effect("fields: None for a portal without an OAuth application holding a pair", () =>
    Effect.gen(function* () {
      const state = Generator.generate({ ...Generator.defaults(DateTime.unsafeMake(startAt)), ...small.generator })
      const emulator = yield* Emulator.make({ state: { ...state, oauthTokens: [] } })
      assert.isTrue((yield* AppInstall.fields(emulator))._tag === "None")
      const error = yield* Effect.flip(AppInstall.deliver(emulator, "http://127.0.0.1:9/"))
      assert.deepStrictEqual(
        [error.attempts, error.reason],
        [0, "the portal has no OAuth application with a token pair"]
      )
    })
  )

  it.effect("the state's applicationToken, when it has one, is the one sent", () =>
    Effect.gen(function* () {
      const state = Generator.generate({ ...Generator.defaults(DateTime.unsafeMake(startAt)), ...small.generator })
      const app = { ...state.oauthApps[0], applicationToken: "51856fefc120afa4b628cc82d3935cce" }
      const emulator = yield* Emulator.make({ state: { ...state, oauthApps: [app] } })
      const fields = yield* AppInstall.fields(emulator)
      assert.isTrue(fields._tag === "Some")
      const map = new Map(fields._tag === "Some" ? fields.value : [])
      assert.strictEqual(map.get("auth[application_token]"), "51856fefc120afa4b628cc82d3935cce")
      assert.strictEqual((yield* Emulator.oauthCredentials(emulator))?.applicationToken, app.applicationToken)
    })
  )
})
