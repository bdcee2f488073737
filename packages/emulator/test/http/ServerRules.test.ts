/**
 * Contract tests of the emulator's REST surface against the real server's PHP source (public mirror
 * `yuliai/bitrix-modules`): each test names the function whose behaviour it pins down.
 */
import { assert, describe, it } from "@effect/vitest"
import { Emulator } from "@im-recent/emulator"
import { Effect, Logger, Ref, TestClock } from "effect"
import {
  type Answer,
  base,
  call,
  DAY,
  get,
  hook1,
  type Json,
  options,
  postForm,
  postJson,
  START,
  secrets
} from "./support.js"

/** Runs `effect` and collects the warning lines it logs. */
const warnings = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const lines: Array<string> = []
    const logger = Logger.make(({ logLevel, message }) => {
      if (logLevel._tag === "Warning") lines.push((Array.isArray(message) ? message : [message]).join(" "))
    })
    const value = yield* effect.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
    return [value, lines] as const
  })

const raw = (url: string, init: RequestInit) => new Request(url, init)

const exactError = (answer: Answer, status: number, error: string, description: string) => {
  assert.strictEqual(answer.status, status, answer.text)
  assert.strictEqual(answer.text, JSON.stringify({ error, error_description: description }))
}

const echoed = (answer: Answer): Record<string, Json> => {
  assert.strictEqual(answer.status, 200, answer.text)
  return answer.body.result.params
}

describe("error bodies (CRestServer::outputError, the auth handlers)", () => {
  it.effect("exactly { error, error_description } with the source's texts, and no time object", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      exactError(yield* call(emulator, get(`${hook1}/no.such`)), 404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
      exactError(yield* call(emulator, get(`${base}/rest/test.echo`)), 401, "NO_AUTH_FOUND", "Wrong authorization data")
      exactError(
        yield* call(emulator, get(`${base}/rest/1/wrong/test.echo`)),
        401,
        "INVALID_CREDENTIALS",
        "Invalid request credentials"
      )
      exactError(
        yield* call(emulator, get(`${base}/rest/1/${secrets.userScopeOnly}/im.recent.get`)),
        401,
        "insufficient_scope",
        "The request requires higher privileges than provided by the webhook token"
      )
      exactError(
        yield* call(emulator, get(`${base}/rest/user.get?auth=${secrets.access2}`)),
        401,
        "insufficient_scope",
        "The request requires higher privileges than provided by the access token"
      )
      exactError(
        yield* call(emulator, postJson(`${base}/rest/test.echo`, { auth: secrets.expiredAccess })),
        401,
        "expired_token",
        "The access token provided has expired"
      )
    })
  )

  it.effect("CIMRestService::recentPin's ACCESS_ERROR text has U+2019, over HTTP too", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      // a chat that does not exist: `canDo(Action::PinChat)` fails
      const answer = yield* call(emulator, postJson(`${hook1}/im.recent.pin`, { DIALOG_ID: "chat999" }))
      exactError(answer, 400, "ACCESS_ERROR", "You don\u2019t have permission to pin this chat")
    })
  )
})

describe("the method is looked up before the credentials (rest.server component, CRestServer::isTokenCheck)", () => {
  it.effect("an unknown method with bad or missing credentials is ERROR_METHOD_NOT_FOUND, not an auth error", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      for (const url of [
        `${base}/rest/1/wrong/no.such.method`,
        `${base}/rest/no.such.method`,
        `${base}/rest/no.such.method?auth=unknown`,
        `${base}/rest/3/${secrets.firedHook}/no.such.method`
      ]) {
        exactError(yield* call(emulator, get(url)), 404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
      }
    })
  )

  it.effect(
    "a segment of any length reaches the lookup: a long method is 404, a long code or user id with a known method 401",
    () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.make(options())
        const long = (length: number) => "m".repeat(length)
        for (const url of [
          `${hook1}/${long(101)}`,
          `${hook1}/${long(20_000)}`,
          `${base}/rest/${long(101)}`,
          `${base}/rest/${long(101)}?auth=${secrets.access1}`,
          `${base}/rest/1/${"c".repeat(101)}/${long(101)}`
        ]) {
          for (const request of [get(url), postJson(url, {})]) {
            exactError(yield* call(emulator, request), 404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
          }
        }
        // APAuth\Auth::check looks the code up (no row holds one this long) and the user id as a number or a login
        for (const url of [
          `${base}/rest/1/${"c".repeat(101)}/im.recent.get`,
          `${base}/rest/1/${"c".repeat(20_000)}/im.recent.get`,
          `${base}/rest/${"1".repeat(101)}/${secrets.hook1}/im.recent.get`
        ]) {
          exactError(yield* call(emulator, get(url)), 401, "INVALID_CREDENTIALS", "Invalid request credentials")
        }
      })
  )

  it.effect("/rest/ without a method is ERROR_METHOD_NOT_FOUND", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      for (const url of [`${base}/rest/`, `${base}/rest`, `${base}/rest/?auth=${secrets.access1}`]) {
        exactError(yield* call(emulator, get(url)), 404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
      }
    })
  )

  it.effect("aplogin / ap on /rest/{method} authenticate as a webhook (APAuth\\Auth::onRestCheckAuth)", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const answer = yield* call(emulator, get(`${base}/rest/test.echo?aplogin=1&ap=${secrets.hook1}&x=1`))
      assert.strictEqual(answer.body.result.userId, 1)
      assert.deepStrictEqual(echoed(answer), { x: "1" }, "the credential is cleared from the parameters")
      exactError(
        yield* call(emulator, get(`${base}/rest/test.echo?aplogin=1&ap=wrong`)),
        401,
        "INVALID_CREDENTIALS",
        "Invalid request credentials"
      )
    })
  )
})

describe("request bodies (CRestUtil::getRequestData)", () => {
  it.effect("a malformed or scalar JSON body is dropped: 200 from the query string, and one warning line", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      for (const body of ['{"SKIP_CHAT":', '"text"', "42"]) {
        const [answer, lines] = yield* warnings(
          call(
            emulator,
            raw(`${hook1}/test.echo?q=1`, { method: "POST", headers: { "content-type": "application/json" }, body })
          )
        )
        assert.deepStrictEqual(echoed(answer), { q: "1" })
        assert.strictEqual(lines.length, 1, lines.join("\n"))
        assert.match(lines[0], /^test\.echo: the JSON body was dropped \(/)
        assert.notInclude(lines[0], "\n")
      }
    })
  )

  it.effect("only exactly application/json is JSON: text/plain and Application/JSON are read with parse_str", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const form = yield* call(
        emulator,
        raw(`${hook1}/test.echo`, { method: "POST", headers: { "content-type": "text/plain" }, body: "a=1&b[]=2" })
      )
      assert.deepStrictEqual(echoed(form), { a: "1", b: ["2"] })
      const [json, lines] = yield* warnings(
        call(
          emulator,
          raw(`${hook1}/test.echo`, {
            method: "POST",
            headers: { "content-type": "Application/JSON" },
            body: '{"a":1}'
          })
        )
      )
      assert.deepStrictEqual(echoed(json), { '{"a":1}': "" })
      assert.strictEqual(lines.length, 1)
      assert.include(lines[0], 'its Content-Type is "Application/JSON"')
      const charset = yield* call(
        emulator,
        raw(`${hook1}/test.echo`, {
          method: "POST",
          headers: { "content-type": "application/json ; charset=UTF-8" },
          body: '{"a":1}'
        })
      )
      assert.deepStrictEqual(echoed(charset), { a: 1 })
    })
  )

  it.effect("only a POST body is read: a PUT or PATCH body is ignored, with a warning", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      for (const method of ["PUT", "PATCH", "DELETE"]) {
        const [answer, lines] = yield* warnings(
          call(
            emulator,
            raw(`${hook1}/test.echo?q=1`, {
              method,
              headers: { "content-type": "application/x-www-form-urlencoded" },
              body: "a=1"
            })
          )
        )
        assert.deepStrictEqual(echoed(answer), { q: "1" }, method)
        assert.deepStrictEqual(lines, [
          `test.echo: the ${method} request's body was ignored: the server reads the body of POST requests only`
        ])
      }
    })
  )
})

describe("headers (CRestUtil::sendHeaders)", () => {
  const cors = (answer: Answer) => {
    assert.strictEqual(answer.headers.get("access-control-allow-origin"), "*")
    assert.strictEqual(answer.headers.get("access-control-allow-headers"), "origin, content-type, accept")
    assert.strictEqual(answer.headers.get("x-content-type-options"), "nosniff")
  }

  it.effect("every REST answer carries CORS and nosniff: successes, errors, XML, rate-limit refusals", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ rateLimit: { burst: 4, drainPerSecond: 1 } }))
      cors(yield* call(emulator, get(`${hook1}/test.echo`)))
      cors(yield* call(emulator, get(`${hook1}/no.such`)))
      cors(yield* call(emulator, get(`${base}/rest/test.echo.xml`)))
      cors(yield* call(emulator, get(`${hook1}/test.echo`)))
      const refused = yield* call(emulator, get(`${hook1}/test.echo`))
      assert.strictEqual(refused.status, 503)
      cors(refused)
    })
  )

  it.effect(
    "a CORS preflight gets 200 with the CORS headers and no body, on every REST path, before the rate limit",
    () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.make(options({ rateLimit: { burst: 1, drainPerSecond: 1 } }))
        const preflight = (url: string) =>
          raw(url, {
            method: "OPTIONS",
            headers: {
              origin: "http://localhost:5173",
              "access-control-request-method": "POST",
              "access-control-request-headers": "content-type"
            }
          })
        // the OAuth paths a browser app calls carry no token in a preflight: a call would be 401 NO_AUTH_FOUND
        for (const url of [
          `${base}/rest/im.recent.get`,
          `${base}/rest/im.recent.get.json`,
          `${base}/rest/batch`,
          `${base}/rest/no.such`,
          `${hook1}/im.recent.get`,
          `${base}/rest/1/wrong/im.recent.get`
        ]) {
          const answer = yield* call(emulator, preflight(url))
          assert.strictEqual(answer.status, 200, url)
          assert.strictEqual(answer.text, "", url)
          cors(answer)
        }
        // none of them drained the one-request bucket
        assert.strictEqual((yield* call(emulator, get(`${hook1}/test.echo`))).status, 200)
      })
  )

  it.effect("a bare OPTIONS (no Access-Control-Request-Method) still runs like GET, from the query string", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const bare = yield* call(
        emulator,
        raw(`${hook1}/test.echo?x=1`, { method: "OPTIONS", headers: { origin: "https://app.example" } })
      )
      assert.deepStrictEqual(echoed(bare), { x: "1" })
      cors(bare)
      const withoutToken = yield* call(emulator, raw(`${base}/rest/test.echo`, { method: "OPTIONS" }))
      exactError(withoutToken, 401, "NO_AUTH_FOUND", "Wrong authorization data")
      cors(withoutToken)
    })
  )

  it.effect("the Date header reads the portal's clock (--now), on REST, OAuth and 404 answers", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const started = new Date(START * 1000).toUTCString()
      assert.strictEqual(started, "Thu, 26 Feb 2026 06:07:18 GMT")
      assert.strictEqual((yield* call(emulator, get(`${hook1}/test.echo`))).headers.get("date"), started)
      yield* TestClock.adjust("90 seconds")
      const later = "Thu, 26 Feb 2026 06:08:48 GMT"
      assert.strictEqual((yield* call(emulator, get(`${hook1}/no.such`))).headers.get("date"), later)
      assert.strictEqual((yield* call(emulator, get(`${base}/oauth/token/`))).headers.get("date"), later)
      assert.strictEqual((yield* call(emulator, get(`${base}/index.php`))).headers.get("date"), later)
    })
  )
})

describe("the .xml transport (CRestServer::output, outputXml)", () => {
  it.effect("answers text/xml, <response><result>…, list items as <item>, scalars as PHP prints them", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const answer = yield* call(
        emulator,
        postJson(`${hook1}/test.echo.xml`, { list: ["a", "b"], yes: true, no: false })
      )
      assert.strictEqual(answer.status, 200)
      assert.strictEqual(answer.headers.get("content-type"), "text/xml; charset=utf-8")
      assert.match(
        answer.text,
        /^<response><result><userId>1<\/userId><now>1772086038000<\/now><params><list><item>a<\/item><item>b<\/item><\/list><yes>1<\/yes><no><\/no><\/params><\/result><time><start>1772086038<\/start>/
      )
      assert.include(answer.text, "<date_start>2026-02-26T09:07:18+03:00</date_start>")
      assert.isTrue(answer.text.endsWith("</time></response>"))
    })
  )

  it.effect("errors too; numeric record keys become <item>; text is escaped; .XML in any case", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const error = yield* call(emulator, get(`${hook1}/no.such.XML`))
      assert.strictEqual(error.status, 404)
      assert.strictEqual(error.headers.get("content-type"), "text/xml; charset=utf-8")
      assert.strictEqual(
        error.text,
        "<response><error>ERROR_METHOD_NOT_FOUND</error><error_description>Method not found!</error_description></response>"
      )
      const escaped = yield* call(emulator, postJson(`${hook1}/test.echo.xml`, { "12": "<b>&'\"" }))
      assert.include(escaped.text, "<params><item>&lt;b&gt;&amp;&apos;&quot;</item></params>")
      const counters = yield* call(emulator, get(`${hook1}/im.counters.get.xml`))
      assert.match(counters.text, /^<response><result><TYPE><ALL>1<\/ALL>/)
    })
  )
})

describe("batch (CRestProvider::methodsBatch, CRestUtil::processBatchElement)", () => {
  const batch = (emulator: Emulator.Service, body: Record<string, unknown>) =>
    Effect.map(call(emulator, postJson(`${hook1}/batch`, body)), (answer) => {
      assert.strictEqual(answer.status, 200, answer.text)
      return answer.body.result as Record<string, Json>
    })

  it.effect("references: $result, $next, $total, $time and $error, a path stopping at the first missing key", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const result = yield* batch(emulator, {
        cmd: {
          list: "test.list",
          bad: "test.fail",
          use: [
            "test.echo?item=$result[list][items][1]",
            "next=$next[list]",
            "total=$total[list]",
            "start=$time[list][start]",
            "code=$error[bad][error]",
            "partial=x-$result[list][items][0]-y z",
            "stop=$result[list][items][9]",
            "whole=$result[list]"
          ].join("&")
        }
      })
      assert.deepStrictEqual(result.result.use.params, {
        item: "b",
        next: 2,
        total: 5,
        start: START,
        code: "DIALOG_ID_EMPTY",
        // the reference runs to the next whitespace (`[^\s]*`), so "-y" is part of it and goes with it
        partial: "x-a z",
        // [9] is missing: the path keeps what it reached
        stop: ["a", "b"],
        whole: { items: ["a", "b"] }
      })
    })
  )

  it.effect("the pattern matches case-insensitively, the lookup does not: $RESULT[…] becomes null or stays", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const result = yield* batch(emulator, {
        cmd: { list: "test.list", use: "test.echo?whole=$RESULT[list][items]&inside=a $Result[list][items][0] b" }
      })
      assert.deepStrictEqual(result.result.use.params, { whole: null, inside: "a $Result[list][items][0] b" })
    })
  )

  it.effect('halt follows PHP truthiness: "false" and "N" halt, "0", "" and 0 do not', () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const cmd = { a: "test.fail", b: "test.echo" }
      for (const [halt, ran] of [
        ["false", []],
        ["N", []],
        [true, []],
        ["0", ["b"]],
        ["", ["b"]],
        [0, ["b"]],
        [false, ["b"]]
      ] as const) {
        const result = yield* batch(emulator, { cmd, HALT: halt })
        assert.deepStrictEqual(Array.isArray(result.result) ? [] : Object.keys(result.result), [...ran], String(halt))
      }
    })
  )

  it.effect("a command that is not a string is skipped without an entry, yet counts towards the 50", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const cmd: Record<string, unknown> = { skip: { method: "test.echo" }, number: 5 }
      for (let i = 0; i < 49; i++) cmd[`c${i}`] = "test.echo"
      const [result, lines] = yield* warnings(batch(emulator, { cmd }))
      assert.strictEqual(Object.keys(result.result).length, 48)
      assert.deepStrictEqual(Object.keys(result.result_error), ["c48"])
      assert.strictEqual(result.result_error.c48.error, "ERROR_BATCH_LENGTH_EXCEEDED")
      assert.strictEqual(lines.length, 1)
      assert.include(lines[0], 'cmd[skip] is an object, not a "method?query" string: skipped')
      assert.include(lines[0], "cmd[number] is a number")
    })
  )

  it.effect("no suffix stripping inside a command: .json is an unknown method; BATCH runs a nested batch", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const result = yield* batch(emulator, {
        cmd: { suffixed: "test.echo.json", nested: `BATCH?${new URLSearchParams({ "cmd[x]": "test.echo?n=1" })}` }
      })
      assert.deepStrictEqual(result.result_error, {
        suffixed: { error: "ERROR_METHOD_NOT_FOUND", error_description: "Method not found!" }
      })
      assert.deepStrictEqual(result.result.nested.result.x.params, { n: "1" })
      assert.deepStrictEqual(Object.keys(result.result.nested), [
        "result",
        "result_error",
        "result_total",
        "result_next",
        "result_time"
      ])
    })
  )

  it.effect(
    "a command without the scope fails with insufficient_scope and an empty description (CRestServerBatchItem::checkAuth)",
    () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.make(options())
        const answer = yield* call(
          emulator,
          postJson(`${base}/rest/batch`, { auth: secrets.access2, cmd: { u: "user.get?ID=1" } })
        )
        assert.deepStrictEqual(answer.body.result.result_error, {
          u: { error: "insufficient_scope", error_description: "" }
        })
      })
  )
})

describe("im.counters.get (CIMRestService::counterGet)", () => {
  it.effect('ONLY_COUNTER keeps TYPE when PHP finds it truthy ("N" included); JSON=Y gives camelCase keys', () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const full = (yield* call(emulator, get(`${hook1}/im.counters.get`))).body.result
      assert.deepStrictEqual(Object.keys(full), [
        "TYPE",
        "CHAT",
        "CHAT_MUTED",
        "CHAT_UNREAD",
        "LINES",
        "DIALOG",
        "DIALOG_UNREAD"
      ])
      for (const value of ["Y", "N", "1"]) {
        const only = (yield* call(emulator, get(`${hook1}/im.counters.get?ONLY_COUNTER=${value}`))).body.result
        assert.deepStrictEqual(only, full.TYPE, value)
      }
      assert.deepStrictEqual((yield* call(emulator, get(`${hook1}/im.counters.get?ONLY_COUNTER=0`))).body.result, full)
      const json = (yield* call(emulator, get(`${hook1}/im.counters.get?JSON=Y`))).body.result
      assert.deepStrictEqual(Object.keys(json), [
        "type",
        "chat",
        "chatMuted",
        "chatUnread",
        "lines",
        "dialog",
        "dialogUnread"
      ])
      assert.deepStrictEqual(json.type, { all: 1, notify: 0, chat: 0, lines: 0, dialog: 1, messenger: 1 })
      assert.deepStrictEqual(json.dialog, { 2: 1 })
      const both = (yield* call(emulator, get(`${hook1}/im.counters.get?ONLY_COUNTER=Y&JSON=Y`))).body.result
      assert.deepStrictEqual(both, json.type)
    })
  )

  it.effect("its names are read as sent: only_counter and json are ignored, with a warning", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const [answer, lines] = yield* warnings(call(emulator, get(`${hook1}/im.counters.get?only_counter=Y&json=Y`)))
      assert.deepStrictEqual(Object.keys(answer.body.result).slice(0, 2), ["TYPE", "CHAT"])
      assert.deepStrictEqual(lines, [
        "im.counters.get: ignored only_counter, json (not read by this method; it reads ONLY_COUNTER and JSON, in upper case only)"
      ])
    })
  )
})

describe("im.dialog.get (CIMRestService::dialogGet)", () => {
  it.effect("echoes DIALOG_ID with its JSON type", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const number = yield* call(emulator, postJson(`${hook1}/im.dialog.get`, { DIALOG_ID: 2 }))
      assert.strictEqual(number.body.result.dialog_id, 2)
      assert.include(number.text, '"dialog_id":2}')
      const text = yield* call(emulator, postForm(`${hook1}/im.dialog.get`, "DIALOG_ID=2"))
      assert.strictEqual(text.body.result.dialog_id, "2")
    })
  )
})

describe("OAuth tokens (OAuth\\Auth::onRestCheckAuth, the token endpoint)", () => {
  const refresh = (refreshToken: string) =>
    get(
      `${base}/oauth/token/?${new URLSearchParams({
        grant_type: "refresh_token",
        client_id: secrets.clientId,
        client_secret: secrets.clientSecret,
        refresh_token: refreshToken
      })}`
    )

  it.effect("a renewed pair's old access token answers expired_token, even before its own expiry", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const renewed = yield* call(emulator, refresh(secrets.refresh2))
      assert.strictEqual(renewed.status, 200, renewed.text)
      exactError(
        yield* call(emulator, get(`${base}/rest/test.echo?auth=${secrets.access2}`)),
        401,
        "expired_token",
        "The access token provided has expired"
      )
      assert.strictEqual(
        (yield* call(emulator, get(`${base}/rest/test.echo?auth=${renewed.body.access_token}`))).status,
        200
      )
    })
  )

  it.effect("refresh tokens last 180 days, in generated portals too", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ state: undefined, generator: { seed: 3 } }))
      const credentials = yield* Emulator.oauthCredentials(emulator)
      if (credentials === undefined) return assert.fail("a generated portal has an OAuth application")
      const state = yield* Ref.get(emulator.portal.state)
      assert.strictEqual(state.oauthTokens[0].refreshExpiresAt, START + 180 * DAY)
      const renew = (refreshToken: string) =>
        get(
          `${credentials.tokenUrl}?${new URLSearchParams({
            grant_type: "refresh_token",
            client_id: credentials.clientId,
            client_secret: credentials.clientSecret,
            refresh_token: refreshToken
          })}`
        )
      yield* TestClock.adjust(`${180 * DAY - 1} seconds`)
      const renewed = yield* call(emulator, renew(credentials.refreshToken))
      assert.strictEqual(renewed.status, 200, renewed.text)
      yield* TestClock.adjust("180 days")
      const lapsed = yield* call(emulator, renew(renewed.body.refresh_token))
      assert.strictEqual(lapsed.status, 400)
      assert.strictEqual(lapsed.body.error, "invalid_grant")
    })
  )
})

describe("warnings for input the server ignores", () => {
  it.effect("im.recent.get: unknown parameters, flags that are not exactly Y, an unparsable or clamped sync date", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const [answer, lines] = yield* warnings(
        call(
          emulator,
          postJson(`${hook1}/im.recent.get`, {
            LIMIT: 10,
            skip_chat: "y",
            SKIP_DIALOG: true,
            LAST_SYNC_DATE: "2026-02-25 18:30:00"
          })
        )
      )
      assert.strictEqual(answer.status, 200)
      assert.strictEqual(lines.length, 1, "one line per request")
      assert.strictEqual(
        lines[0],
        'im.recent.get: ignored LIMIT (not read by this method); SKIP_CHAT="y" is off: a flag counts only when it is exactly "Y"; SKIP_DIALOG=true is off: a flag counts only when it is exactly "Y"; LAST_SYNC_DATE="2026-02-25 18:30:00" was ignored: not a date the server parses (ATOM with a numeric offset, e.g. 2026-02-25T18:30:00+01:00); the default 30-day window applies'
      )
      const [, clamped] = yield* warnings(
        call(emulator, postJson(`${hook1}/im.recent.get`, { LAST_UPDATE: "2026-01-01T00:00:00+03:00" }))
      )
      assert.deepStrictEqual(clamped, [
        "im.recent.get: LAST_UPDATE is older than 7 days: read as 2026-02-19T09:07:18+03:00"
      ])
      const [, zulu] = yield* warnings(
        call(emulator, postJson(`${hook1}/im.recent.get`, { LAST_SYNC_DATE: "2026-02-25T18:30:00Z" }))
      )
      assert.deepStrictEqual(zulu, [
        'im.recent.get: LAST_SYNC_DATE="2026-02-25T18:30:00Z" was read as 2026-02-25T18:30:00+03:00: the server reads Y-m-d\\TH:i:sP and drops a Z, fractional seconds or a zone name (the time is then read in the portal\'s zone)'
      ])
      const [, quiet] = yield* warnings(
        call(
          emulator,
          postJson(`${hook1}/im.recent.get`, { SKIP_CHAT: "Y", LAST_SYNC_DATE: "2026-02-25T18:30:00+01:00" })
        )
      )
      assert.deepStrictEqual(quiet, [], "a well-formed call logs nothing")
    })
  )

  it.effect("never shows the value of a parameter the method does not read (a misplaced secret)", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const [, lines] = yield* warnings(call(emulator, postJson(`${hook1}/im.recent.get`, { token: secrets.access1 })))
      assert.strictEqual(lines.length, 1)
      assert.notInclude(lines[0], secrets.access1)
      assert.notInclude(lines[0], secrets.hook1)
    })
  )
})
