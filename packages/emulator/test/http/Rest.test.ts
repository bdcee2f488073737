import { assert, describe, it } from "@effect/vitest"
import { ResponseTime } from "@im-recent/domain"
import { Emulator } from "@im-recent/emulator"
import { Effect, Ref, Schema, TestClock } from "effect"
import {
  type Answer,
  base,
  call,
  get,
  hook1,
  options,
  postForm,
  postJson,
  START,
  secrets,
  startAt,
  timeOf
} from "./support.js"

const decodeTime = Schema.decodeUnknownSync(ResponseTime.ResponseTime, { onExcessProperty: "error" })

/** Every REST answer carries a complete `time` object, ATOM dates in the portal's zone. */
const assertTime = (answer: Answer, offset = "+03:00") => {
  const time = timeOf(answer)
  assert.isDefined(time, `no time in ${answer.text}`)
  decodeTime(time)
  assert.deepStrictEqual(Object.keys(time), [
    "start",
    "finish",
    "duration",
    "processing",
    "date_start",
    "date_finish",
    "operating_reset_at",
    "operating"
  ])
  assert.isTrue((time.date_start as string).endsWith(offset), String(time.date_start))
  return time
}

const echo = (answer: Answer) => {
  assert.strictEqual(answer.status, 200, answer.text)
  assertTime(answer)
  return answer.body.result as { userId: number; now: number; params: Record<string, unknown> }
}

describe("REST request forms", () => {
  it.effect("GET with a query string, PHP-style keys decoded", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const result = echo(yield* call(emulator, get(`${hook1}/test.echo?FILTER[ACTIVE]=Y&select[]=ID&select[]=NAME`)))
      assert.deepStrictEqual(result.params, { FILTER: { ACTIVE: "Y" }, select: ["ID", "NAME"] })
      assert.strictEqual(result.userId, 1)
      assert.strictEqual(result.now, START * 1000)
    })
  )

  it.effect("POST JSON keeps JSON types; query and body merge, the body winning", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const result = echo(
        yield* call(emulator, postJson(`${hook1}/test.echo?a=query&q=1`, { a: "body", n: 5, flag: true, list: [1, 2] }))
      )
      assert.deepStrictEqual(result.params, { a: "body", q: "1", n: 5, flag: true, list: [1, 2] })
    })
  )

  it.effect("POST application/x-www-form-urlencoded with PHP keys", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const result = echo(
        yield* call(
          emulator,
          postForm(`${hook1}/test.echo`, "DIALOG_ID=chat5&FIELDS%5BTITLE%5D=Hi+there&ids[]=1&ids[]=2")
        )
      )
      assert.deepStrictEqual(result.params, { DIALOG_ID: "chat5", FIELDS: { TITLE: "Hi there" }, ids: ["1", "2"] })
    })
  )

  it.effect("POST multipart/form-data, fields with PHP keys (file parts are not parameters)", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const form = new FormData()
      form.append("DIALOG_ID", "chat5")
      form.append("FIELDS[TITLE]", "Привет")
      form.append("ids[]", "1")
      form.append("ids[]", "2")
      form.append("file", new Blob(["content"]), "a.txt")
      const result = echo(yield* call(emulator, new Request(`${hook1}/test.echo`, { method: "POST", body: form })))
      assert.deepStrictEqual(result.params, { DIALOG_ID: "chat5", FIELDS: { TITLE: "Привет" }, ids: ["1", "2"] })
    })
  )

  it.effect("the .json suffix, a trailing slash and upper-case method names all reach the method", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      for (const path of ["test.echo", "test.echo.json", "test.echo/", "TEST.Echo.JSON", "test.echo.json/"]) {
        const result = echo(yield* call(emulator, get(`${hook1}/${path}?x=1`)))
        assert.deepStrictEqual(result.params, { x: "1" }, path)
      }
    })
  )

  it.effect("the SDKs' telemetry and request-id parameters and unknown parameters do not break a call", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const telemetry =
        "bx24_request_id=0190d3b6-1b7c-7cc3-a1e5-6f0e5a0d2b1c&bx24_sdk_ver=2.1.0&bx24_sdk_type=b24-js-sdk"
      const result = echo(yield* call(emulator, get(`${hook1}/test.echo?${telemetry}&unknown=1`)))
      assert.deepStrictEqual(result.params, { unknown: "1" })
      const recent = yield* call(emulator, get(`${hook1}/im.recent.get?${telemetry}&SOMETHING_ELSE=Y`))
      assert.strictEqual(recent.status, 200, recent.text)
      assert.isArray(recent.body.result)
      assert.strictEqual(recent.body.result[0].id, 2)
    })
  )

  it.effect("OAuth: auth in the query, the JSON body, the form body, access_token, or a Bearer header", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const url = `${base}/rest/test.echo`
      const answers = [
        yield* call(emulator, get(`${url}?auth=${secrets.access2}&x=1`)),
        yield* call(emulator, postJson(url, { auth: secrets.access2, x: "1" })),
        yield* call(emulator, postForm(`${url}.json`, `auth=${secrets.access2}&x=1`)),
        yield* call(emulator, get(`${url}?access_token=${secrets.access2}&x=1`)),
        yield* call(emulator, get(`${url}?x=1`, { authorization: `Bearer ${secrets.access2}` }))
      ]
      for (const answer of answers) {
        const result = echo(answer)
        assert.strictEqual(result.userId, 2)
        assert.deepStrictEqual(result.params, { x: "1" }, "auth is not passed on to the method")
      }
    })
  )

  it.effect("each caller acts as its own user", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const one = yield* call(emulator, get(`${hook1}/im.recent.get`))
      const two = yield* call(emulator, get(`${base}/rest/2/${secrets.hook2}/im.recent.get`))
      assert.strictEqual(one.body.result[0].id, 2, "user 1 sees the dialog with user 2")
      assert.strictEqual(two.body.result[0].id, 1, "user 2 sees the dialog with user 1")
      const viaToken = yield* call(emulator, postJson(`${base}/rest/im.recent.get`, { auth: secrets.access2 }))
      assert.strictEqual(viaToken.body.result[0].id, 1)
    })
  )
})

describe("the default portal", () => {
  it.effect("without a state the emulator serves a generated portal, history ending at its start", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make({ startAt, generator: { seed: 3, users: 6, chats: 3 } })
      const state = yield* Ref.get(emulator.portal.state)
      assert.strictEqual(state.portal.timeZone, "Europe/Moscow")
      assert.strictEqual(state.users.filter((user) => user.id <= 6).length, 6)
      const hook = state.webhooks.find((candidate) => candidate.userId === 1 && candidate.scopes.includes("im"))!
      const answer = yield* call(emulator, get(`${emulator.publicUrl}/rest/1/${hook.code}/im.recent.get`))
      assert.strictEqual(answer.status, 200, answer.text)
      assert.isAbove(answer.body.result.length, 0)
      const again = yield* Emulator.make({ startAt, generator: { seed: 3, users: 6, chats: 3 } })
      assert.deepStrictEqual(yield* Ref.get(again.portal.state), state, "the same seed gives the same portal")
    })
  )

  it.effect("generator options are validated", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Emulator.make({ generator: { users: 1, locale: "de" as never } }))
      assert.strictEqual(error.problems.length, 2)
    })
  )
})

describe("REST envelopes", () => {
  it.effect("next and total are hoisted out of the result", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const answer = yield* call(emulator, get(`${hook1}/test.list`))
      assert.deepStrictEqual(Object.keys(answer.body), ["result", "next", "total", "time"])
      assert.deepStrictEqual(answer.body.result, { items: ["a", "b"] })
      assert.strictEqual(answer.body.next, 2)
      assert.strictEqual(answer.body.total, 5)
      const list = yield* call(emulator, get(`${hook1}/im.recent.list`))
      assert.strictEqual(list.status, 200, list.text)
      assert.strictEqual(list.body.total, -1)
      assert.isFalse("total" in list.body.result)
    })
  )

  it.effect("a PHP list with total becomes a list again", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const answer = yield* call(emulator, get(`${hook1}/department.get?ID=1`))
      assert.deepStrictEqual(answer.body.result, [{ ID: "1", NAME: "DEMO", SORT: 500 }])
      assert.strictEqual(answer.body.total, 1)
    })
  )

  it.effect(
    "unknown method: 404 ERROR_METHOD_NOT_FOUND, exactly { error, error_description } (CRestServer::process)",
    () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.make(options())
        for (const url of [`${hook1}/no.such.method`, `${hook1}/`, `${base}/rest/1/${secrets.hook1}/a/b`]) {
          const answer = yield* call(emulator, get(url))
          assert.strictEqual(answer.status, 404, url)
          assert.strictEqual(answer.text, '{"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!"}')
        }
      })
  )

  it.effect("a method's error keeps its code and status", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const answer = yield* call(emulator, get(`${hook1}/test.fail`))
      assert.strictEqual(answer.status, 400)
      assert.deepStrictEqual(answer.body, { error: "DIALOG_ID_EMPTY", error_description: "Dialog ID can't be empty" })
      const real = yield* call(emulator, postJson(`${hook1}/im.recent.pin`, {}))
      assert.strictEqual(real.status, 400, real.text)
      assert.strictEqual(real.body.error, "DIALOG_ID_EMPTY")
    })
  )

  it.effect("a defect in a method is a 500 INTERNAL_SERVER_ERROR envelope", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const answer = yield* call(emulator, get(`${hook1}/test.defect`))
      assert.strictEqual(answer.status, 500)
      assert.deepStrictEqual(answer.body, {
        error: "INTERNAL_SERVER_ERROR",
        error_description: "Internal server error"
      })
    })
  )

  it.effect(
    "time: start and dates follow the clock and the portal zone; finish, duration and processing are real",
    () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.make(options())
        yield* TestClock.adjust("90 seconds")
        const time = assertTime(yield* call(emulator, get(`${hook1}/test.echo`)))
        assert.strictEqual(time.start, START + 90)
        assert.strictEqual(time.date_start, "2026-02-26T09:08:48+03:00")
        assert.strictEqual(time.duration, 0)
        assert.strictEqual(time.operating_reset_at, START + 90 + 600)
      })
  )

  it.effect("the timeZone option overrides the state's zone", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ timeZone: "Europe/Berlin" }))
      const answer = yield* call(emulator, get(`${hook1}/test.echo`))
      assert.strictEqual(timeOf(answer).date_start, "2026-02-26T07:07:18+01:00")
      const recent = yield* call(emulator, get(`${hook1}/im.recent.get`))
      assert.strictEqual(recent.body.result[0].message.date, "2026-02-26T06:00:00+01:00")
    })
  )

  it.effect("authentication errors carry no time either (CRestServer::outputError)", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      for (const request of [get(`${base}/rest/1/wrong/test.echo`), get(`${base}/rest/test.echo`)]) {
        const answer = yield* call(emulator, request)
        assert.strictEqual(answer.status, 401)
        assert.deepStrictEqual(Object.keys(answer.body), ["error", "error_description"])
      }
    })
  )

  it.effect("paths outside /rest/ and /oauth/token/ are 404 NOT_FOUND", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const answer = yield* call(emulator, get(`${base}/index.php`))
      assert.strictEqual(answer.status, 404)
      assert.strictEqual(answer.body.error, "NOT_FOUND")
    })
  )
})
