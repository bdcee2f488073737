/**
 * Requests reproduced byte for byte as the official SDKs and the popular clients send them (see
 * peer-clients.md §0/§1b): URL shape, HTTP method, content type, body encoding, extra query parameters and
 * headers. Each must reach the real `im.*` methods as the right user.
 */
import { assert, describe, it } from "@effect/vitest"
import { Emulator } from "@im-recent/emulator"
import { Effect } from "effect"
import { type Answer, base, call, httpBuildQuery, options, secrets } from "./support.js"

const hook = `${base}/rest/1/${secrets.hook1}`
const requestId = "0190d3b6-1b7c-7cc3-a1e5-6f0e5a0d2b1c"

const recentOfUser1 = (answer: Answer) => {
  assert.strictEqual(answer.status, 200, answer.text)
  assert.isObject(answer.body.time)
  assert.isArray(answer.body.result)
  assert.strictEqual(answer.body.result[0].id, 2)
}

describe("as the JS SDK (@bitrix24/b24jssdk) sends them: axios POST JSON, telemetry in the query", () => {
  const telemetry = `bx24_request_id=${requestId}&bx24_sdk_ver=2.1.0&bx24_sdk_type=b24-js-sdk`
  const headers = { "content-type": "application/json", accept: "application/json, text/plain, */*" }

  it.effect("webhook call, OAuth call with auth in the body, batch", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      recentOfUser1(
        yield* call(
          emulator,
          new Request(`${hook}/im.recent.get?${telemetry}`, {
            method: "POST",
            headers,
            body: JSON.stringify({ SKIP_OPENLINES: "Y" })
          })
        )
      )
      const list = yield* call(
        emulator,
        new Request(`${base}/rest/im.recent.list?${telemetry}`, {
          method: "POST",
          headers,
          body: JSON.stringify({ LIMIT: 50, auth: secrets.access1 })
        })
      )
      assert.strictEqual(list.status, 200, list.text)
      assert.strictEqual(list.body.result.items[0].id, 2)
      assert.strictEqual(list.body.total, -1)
      const batch = yield* call(
        emulator,
        new Request(`${hook}/batch?${telemetry}`, {
          method: "POST",
          headers,
          body: JSON.stringify({
            halt: 1,
            cmd: { recent: `im.recent.get?${new URLSearchParams({ SKIP_CHAT: "N" })}`, counters: "im.counters.get" }
          })
        })
      )
      assert.strictEqual(batch.status, 200, batch.text)
      assert.strictEqual(batch.body.result.result.recent[0].id, 2)
      assert.isObject(batch.body.result.result.counters)
    })
  )

  it.effect("token refresh: a form POST to /oauth/token/", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const answer = yield* call(
        emulator,
        new Request(`${base}/oauth/token/`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "refresh_token",
            client_id: secrets.clientId,
            client_secret: secrets.clientSecret,
            refresh_token: secrets.refresh1
          }).toString()
        })
      )
      assert.strictEqual(answer.status, 200, answer.text)
      assert.strictEqual(answer.body.user_id, 1)
    })
  )
})

describe("as the PHP SDK (bitrix24/b24phpsdk) sends them: POST JSON to <method>/ with bx24_request_id", () => {
  const headers = {
    "content-type": "application/json",
    accept: "application/json",
    "accept-charset": "utf-8",
    "user-agent": "b24-php-sdk-vendor-v-3.2.0-php-8.3.14",
    "x-bitrix24-php-sdk-php-version": "8.3.14",
    "x-bitrix24-php-sdk-version": "3.2.0",
    "x-request-id": requestId
  }

  it.effect("webhook (with and without a trailing slash on the hook URL), OAuth, refresh by GET", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      for (const url of [
        `${hook}/im.recent.get/?bx24_request_id=${requestId}`,
        `${hook}//im.recent.get/?bx24_request_id=${requestId}`
      ]) {
        recentOfUser1(
          yield* call(
            emulator,
            new Request(url, { method: "POST", headers, body: JSON.stringify({ SKIP_DIALOG: "N" }) })
          )
        )
      }
      recentOfUser1(
        yield* call(
          emulator,
          new Request(`${base}/rest/im.recent.get?bx24_request_id=${requestId}`, {
            method: "POST",
            headers,
            body: JSON.stringify({ ONLY_OPENLINES: "N", auth: secrets.access1 })
          })
        )
      )
      const refresh = yield* call(
        emulator,
        new Request(
          `${base}/oauth/token/?${httpBuildQuery({
            grant_type: "refresh_token",
            client_id: secrets.clientId,
            client_secret: secrets.clientSecret,
            refresh_token: secrets.refresh1,
            bx24_request_id: requestId
          })}`,
          { headers }
        )
      )
      assert.strictEqual(refresh.status, 200, refresh.text)
    })
  )
})

describe("as CRest sends them: form POST (http_build_query) to <method>.json", () => {
  const headers = { "content-type": "application/x-www-form-urlencoded", "user-agent": "Bitrix24 CRest PHP 1.36" }

  it.effect("webhook call, OAuth call with auth in the form, batch, refresh", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      recentOfUser1(
        yield* call(
          emulator,
          new Request(`${hook}/im.recent.get.json`, {
            method: "POST",
            headers,
            body: httpBuildQuery({ SKIP_OPENLINES: "Y", LAST_SYNC_DATE: "2026-02-20T00:00:00+03:00" })
          })
        )
      )
      recentOfUser1(
        yield* call(
          emulator,
          new Request(`${base}/rest/im.recent.get.json`, {
            method: "POST",
            headers,
            body: httpBuildQuery({ auth: secrets.access1 })
          })
        )
      )
      const batch = yield* call(
        emulator,
        new Request(`${hook}/batch.json`, {
          method: "POST",
          headers,
          body: httpBuildQuery({
            halt: 0,
            cmd: {
              recent: `im.recent.get?${httpBuildQuery({ SKIP_CHAT: "N" })}`,
              pin: `im.recent.pin?${httpBuildQuery({ DIALOG_ID: 2, PIN: "Y" })}`,
              list: `im.recent.list?${httpBuildQuery({ LIMIT: 10 })}`
            }
          })
        })
      )
      assert.strictEqual(batch.status, 200, batch.text)
      assert.strictEqual(batch.body.result.result.pin, true)
      assert.strictEqual(batch.body.result.result.list.items[0].pinned, true)
      const refresh = yield* call(
        emulator,
        new Request(`${base}/oauth/token/`, {
          method: "POST",
          headers,
          body: httpBuildQuery({
            client_id: secrets.clientId,
            grant_type: "refresh_token",
            client_secret: secrets.clientSecret,
            refresh_token: secrets.refresh1
          })
        })
      )
      assert.strictEqual(refresh.status, 200, refresh.text)
    })
  )
})

describe("as fast_bitrix24 sends them: aiohttp POST JSON to <webhook><method>", () => {
  it.effect("call and batch with cmd0000000000 labels", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const post = (method: string, body: unknown) =>
        new Request(`${hook}/${method}`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "*/*" },
          body: JSON.stringify(body)
        })
      recentOfUser1(yield* call(emulator, post("im.recent.get", {})))
      const batch = yield* call(
        emulator,
        post("batch", { halt: 0, cmd: { cmd0000000000: "im.recent.get?", cmd0000000001: "im.recent.list?LIMIT=5" } })
      )
      assert.strictEqual(batch.status, 200, batch.text)
      assert.deepStrictEqual(Object.keys(batch.body.result.result), ["cmd0000000000", "cmd0000000001"])
      assert.deepStrictEqual(batch.body.result.result_total, { cmd0000000001: -1 })
    })
  )
})

describe("as b24pysdk sends them: POST JSON to /rest/<auth>/<method>.json with X-Request-ID", () => {
  it.effect("webhook and OAuth calls, refresh by GET", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const headers = {
        "content-type": "application/json",
        accept: "application/json",
        "user-agent": "b24pysdk/1.2.1",
        "x-request-id": requestId
      }
      recentOfUser1(
        yield* call(
          emulator,
          new Request(`${hook}/im.recent.get.json`, {
            method: "POST",
            headers,
            body: JSON.stringify({ SKIP_CHAT: "N" })
          })
        )
      )
      recentOfUser1(
        yield* call(
          emulator,
          new Request(`${base}/rest/im.recent.get.json`, {
            method: "POST",
            headers,
            body: JSON.stringify({ auth: secrets.access1 })
          })
        )
      )
    })
  )
})

describe("as @2bad/bitrix sends them: GET with qs.stringify, access_token in the query", () => {
  it.effect("webhook call with encoded brackets, OAuth call, batch by GET", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const list = yield* call(emulator, new Request(`${hook}/im.recent.list?LIMIT=10&SKIP_CHAT=N&FILTER%5BX%5D=1`))
      assert.strictEqual(list.status, 200, list.text)
      assert.strictEqual(list.body.result.items[0].id, 2)
      recentOfUser1(yield* call(emulator, new Request(`${base}/rest/im.recent.get?access_token=${secrets.access1}`)))
      const batch = yield* call(
        emulator,
        new Request(
          `${hook}/batch?cmd%5Brecent%5D=${encodeURIComponent("im.recent.get?SKIP_CHAT=N")}&cmd%5Bcounters%5D=im.counters.get&halt=0`
        )
      )
      assert.strictEqual(batch.status, 200, batch.text)
      assert.deepStrictEqual(Object.keys(batch.body.result.result), ["recent", "counters"])
    })
  )
})

describe("as bitrix24-python-rest sends them: GET <hook><method>.json with an unencoded query", () => {
  it.effect("brackets left raw in the URL", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const answer = yield* call(emulator, new Request(`${hook}/im.recent.list.json?LIMIT=10&FILTER[X]=1`))
      assert.strictEqual(answer.status, 200, answer.text)
      assert.strictEqual(answer.body.result.items[0].id, 2)
    })
  )
})
