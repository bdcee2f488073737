/**
 * Every line the emulator logs, on every path (a defect in the router and in a method, warnings about ignored input,
 * batch notes, the debug line of each call, the OAuth endpoint, faults), captured at every level: no webhook code,
 * token or client secret — the portal's own or one a request carried — and nothing echoed from a request unbounded.
 */
import { assert, describe, it } from "@effect/vitest"
import { Emulator, type Portal } from "@im-recent/emulator"
import { Cause, Effect, HashMap, Layer, Logger, LogLevel } from "effect"
import { allMethods, base, call, get, hook1, options, postForm, postJson, secrets } from "./support.js"

/** The lines logged while `effect` runs, at every level: message, annotations and cause. */
const captured = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const lines: Array<string> = []
    const logger = Logger.make(({ annotations, cause, logLevel, message }) => {
      const notes = HashMap.toEntries(annotations).map(([key, value]) => `${key}=${String(value)}`)
      lines.push(
        [logLevel.label, ...(Array.isArray(message) ? message : [message]).map(String), ...notes, Cause.pretty(cause)]
          .filter((part) => part !== "")
          .join(" ")
      )
    })
    yield* effect.pipe(
      Effect.provide(Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(LogLevel.All)))
    )
    return lines
  })

/** Credentials the portal never issued: a request carries them, and they stay out of the log as well. */
const foreign = {
  code: "f0re1gnh00kc0de9",
  longCode: "k".repeat(20_000),
  token: "f0re1gnacc3sstok3n00000000000000",
  bearer: "f0re1gnb3ar3rtok3n00000000000000",
  clientSecret: "f0re1gncl13nts3cr3t0000000000000"
}

const long = "x".repeat(20_000)

/** A method whose handler throws (a defect outside the method's own effect: the router answers it). */
const throwing: Portal.Method = {
  scope: "im",
  handler: () => {
    throw new Error(`bug at /rest/1/${secrets.hook1}/x?auth=${secrets.access1} for ${secrets.clientSecret} ${long}`)
  }
}

/** A method whose effect dies with the secrets in its message (the call answers it). */
const dying: Portal.Method = {
  scope: "im",
  handler: () => Effect.die(new Error(`bug with ${secrets.refresh1} and ${secrets.hook2} ${long}`))
}

const methods = new Map([...allMethods, ["test.throw", throwing], ["test.die", dying]])

/** Bounded: no line carries a request's echo unbounded (the longest echo below is 20 000 characters). */
const maxLineLength = 4000

const assertClean = (lines: ReadonlyArray<string>) => {
  const forbidden = [...Object.values(secrets).filter((value) => value !== secrets.clientId), ...Object.values(foreign)]
  for (const line of lines) {
    for (const secret of forbidden) assert.notInclude(line, secret.slice(0, 64), line.slice(0, 300))
    assert.isAtMost(line.length, maxLineLength, line.slice(0, 300))
  }
}

describe("logs: no secret and no unbounded echo, on every path", () => {
  it.effect("a defect in the router: 500, one line with the method and the masked, bounded path", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ methods }))
      const lines = yield* captured(
        Effect.gen(function* () {
          const answer = yield* call(emulator, postJson(`${hook1}/test.throw?auth=${foreign.token}`, {}))
          assert.strictEqual(answer.status, 500)
        })
      )
      const defect = lines.filter((line) => line.startsWith("ERROR"))
      assert.strictEqual(defect.length, 1, lines.join("\n"))
      assert.include(defect[0], "The emulator failed to answer a request")
      assert.include(defect[0], "request=POST /rest/1/***/test.throw?…")
      assert.include(defect[0], "bug at /rest/1/***/x?auth=***")
      assert.include(defect[0], "more characters)")
      assertClean(lines)
    })
  )

  it.effect("a defect in a method: 500, its message masked and bounded", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ methods }))
      const lines = yield* captured(
        Effect.gen(function* () {
          assert.strictEqual((yield* call(emulator, get(`${hook1}/test.die`))).status, 500)
          assert.strictEqual((yield* call(emulator, get(`${hook1}/test.defect`))).status, 500)
        })
      )
      const defects = lines.filter((line) => line.startsWith("ERROR"))
      assert.strictEqual(defects.length, 2, lines.join("\n"))
      assert.include(defects[0], "test.die: the method failed unexpectedly")
      assert.include(defects[0], "bug with *** and ***")
      assert.include(defects[1], "engine bug")
      assertClean(lines)
    })
  )

  it.effect("long method names, codes and user ids: 404 or 401, and the log bounded without the code", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const lines = yield* captured(
        Effect.gen(function* () {
          for (const url of [
            `${hook1}/${long}`,
            `${base}/rest/1/${foreign.code}/${long}?LIMIT=1`,
            `${base}/rest/1/${foreign.longCode}/im.recent.get?LIMIT=1`,
            `${base}/rest/${long}/${secrets.hook1}/im.recent.get`,
            `${base}/rest/${long}?auth=${foreign.token}`,
            `${base}/rest/${secrets.access1}`,
            `${base}/rest/${secrets.hook2}/${secrets.hook1}`
          ]) {
            const answer = yield* call(emulator, postJson(url, { LIMIT: 1 }))
            assert.include([401, 404], answer.status, url.slice(0, 100))
          }
        })
      )
      assert.isTrue(
        lines.some((line) => line.includes("REST call")),
        "the debug line of each call is logged"
      )
      assertClean(lines)
    })
  )

  it.effect("warnings about ignored input: a secret as a name or a flag's value, long names, batch notes", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const lines = yield* captured(
        Effect.gen(function* () {
          const requests: ReadonlyArray<readonly [Request, number]> = [
            [
              postJson(`${hook1}/im.recent.get`, {
                [secrets.access2]: 1,
                SKIP_CHAT: secrets.hook2,
                LAST_SYNC_DATE: secrets.refresh2,
                [`N${"n".repeat(1000)}`]: 1
              }),
              200
            ],
            [postJson(`${base}/rest/im.recent.get`, { auth: secrets.access1, SKIP_DIALOG: secrets.refresh1 }), 200],
            [
              new Request(`${base}/rest/im.recent.get?SKIP_CHAT=${secrets.expiredAccess}`, {
                headers: { authorization: `Bearer ${secrets.access1}` }
              }),
              200
            ],
            [
              new Request(`${base}/rest/im.recent.get?SKIP_CHAT=N&${foreign.bearer}=1`, {
                method: "PUT",
                headers: { authorization: `Bearer ${foreign.bearer}` },
                body: "x"
              }),
              401
            ],
            [postForm(`${base}/rest/im.recent.get`, `aplogin=1&ap=${secrets.hook1}&SKIP_CHAT=${secrets.hook1}`), 200],
            [
              new Request(`${hook1}/im.recent.get`, {
                method: "POST",
                headers: { "content-type": `text/plain; ${long}` },
                body: `{"a":1}`
              }),
              200
            ],
            [
              postJson(`${hook1}/batch`, {
                cmd: {
                  [`c${"n".repeat(5000)}`]: `im.recent.get?SKIP_CHAT=${secrets.hook1}&auth=${foreign.token}`,
                  other: `${long}?x=1`,
                  list: `im.recent.list?LIMIT=${secrets.clientSecret}`
                }
              }),
              200
            ]
          ]
          for (const [request, status] of requests) {
            assert.strictEqual((yield* call(emulator, request)).status, status, request.url.slice(0, 100))
          }
        })
      )
      assert.isTrue(lines.filter((line) => line.startsWith("WARN")).length >= 6, lines.join("\n").slice(0, 2000))
      assertClean(lines)
    })
  )

  it.effect("the OAuth token endpoint and faults log no secret", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(
        options({ faults: { internalError: { every: 2 }, overload: { every: 3 } } })
      )
      const lines = yield* captured(
        Effect.gen(function* () {
          const token = (query: string) => call(emulator, get(`${base}/oauth/token/?grant_type=refresh_token&${query}`))
          yield* token(`client_id=${secrets.clientId}&client_secret=${foreign.clientSecret}&refresh_token=x`)
          yield* token(
            `client_id=${secrets.clientId}&client_secret=${secrets.clientSecret}&refresh_token=${secrets.refresh1}`
          )
          for (let i = 0; i < 6; i++) yield* call(emulator, get(`${hook1}/im.recent.get?SKIP_CHAT=${secrets.hook2}`))
        })
      )
      assertClean(lines)
    })
  )
})
