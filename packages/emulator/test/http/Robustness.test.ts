import { assert, describe, it } from "@effect/vitest"
import { Emulator } from "@im-recent/emulator"
import { Effect } from "effect"
import { type Answer, base, call, get, hook1, options, postForm, postJson } from "./support.js"

const invalid = (answer: Answer, status: number, fragment: string) => {
  assert.strictEqual(answer.status, status, answer.text)
  assert.strictEqual(answer.body?.error, "INVALID_REQUEST", answer.text)
  assert.include(answer.body.error_description, fragment)
  assert.deepStrictEqual(Object.keys(answer.body), ["error", "error_description"])
}

/** A JSON body the server drops (`CRestUtil::getRequestData`): the call runs on the query string alone. */
const droppedBody = (answer: Answer) => {
  assert.strictEqual(answer.status, 200, answer.text)
  assert.deepStrictEqual(answer.body.result.params, {})
}

const raw = (body: BodyInit, contentType?: string) =>
  new Request(`${hook1}/test.echo`, {
    method: "POST",
    headers: contentType === undefined ? {} : { "content-type": contentType },
    body
  })

const deepKey = (levels: number) => `a${"[x]".repeat(levels)}`
const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`

describe("malformed requests get an error envelope, never a crash", () => {
  it.effect("malformed or scalar JSON is dropped, a JSON list is parameters 0, 1, … (CRestUtil::getRequestData)", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      for (const body of ['{"a":', '"text"', "42", "null", "true"]) {
        droppedBody(yield* call(emulator, raw(body, "application/json")))
      }
      const list = yield* call(emulator, raw("[1,2]", "application/json; charset=utf-8"))
      assert.deepStrictEqual(list.body.result.params, { 0: 1, 1: 2 })
      const emptyList = yield* call(emulator, raw("[]", "application/json; charset=utf-8"))
      assert.deepStrictEqual(emptyList.body.result.params, {}, "PHP's json_decode('[]') is no parameters")
    })
  )

  it.effect("a body of another content type is read with parse_str; an empty body of any type is fine", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      assert.deepStrictEqual((yield* call(emulator, raw("a=1", "text/plain"))).body.result.params, { a: "1" })
      assert.deepStrictEqual((yield* call(emulator, raw("<a/>", "application/xml"))).body.result.params, { "<a/>": "" })
      assert.strictEqual((yield* call(emulator, raw(new Blob([new Uint8Array([1, 2, 3])])))).status, 200)
      const empty = yield* call(
        emulator,
        new Request(`${hook1}/test.echo`, { method: "POST", headers: { "content-type": "text/plain" }, body: "" })
      )
      assert.strictEqual(empty.status, 200)
      const bare = yield* call(emulator, new Request(`${hook1}/test.echo?x=1`, { method: "POST" }))
      assert.strictEqual(bare.status, 200)
      assert.deepStrictEqual(bare.body.result.params, { x: "1" })
    })
  )

  it.effect("bodies over maxBodyBytes: 413, with or without Content-Length", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ maxBodyBytes: 1024 }))
      invalid(yield* call(emulator, postJson(`${hook1}/test.echo`, { text: "x".repeat(2000) })), 413, "1024 bytes")
      const chunks = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(`a${i}=${"y".repeat(200)}&`))
          controller.close()
        }
      })
      const streamed = new Request(`${hook1}/test.echo`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: chunks,
        duplex: "half"
      } as RequestInit)
      invalid(yield* call(emulator, streamed), 413, "1024 bytes")
      const fits = yield* call(emulator, postJson(`${hook1}/test.echo`, { text: "x".repeat(900) }))
      assert.strictEqual(fits.status, 200)
    })
  )

  it.effect("keys nested deeper than PHP's 64 levels: 400; JSON deeper than json_decode's 512: dropped", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      invalid(yield* call(emulator, get(`${hook1}/test.echo?${deepKey(65)}=1`)), 400, "deeper than 64")
      invalid(yield* call(emulator, postForm(`${hook1}/test.echo`, `${deepKey(65)}=1`)), 400, "deeper than 64")
      assert.strictEqual((yield* call(emulator, get(`${hook1}/test.echo?${deepKey(64)}=1`))).status, 200)
      droppedBody(yield* call(emulator, raw(deepJson(513), "application/json")))
      const fits = yield* call(emulator, raw(deepJson(511), "application/json"))
      assert.strictEqual(fits.status, 200)
      assert.deepStrictEqual(Object.keys(fits.body.result.params), ["a"])
      droppedBody(yield* call(emulator, raw(deepJson(100_000), "application/json")))
      droppedBody(yield* call(emulator, raw(`${"[".repeat(200_000)}`, "application/json")))
    })
  )

  it.effect("too many parameters, an over-long name, an over-long URL: 400, 400, 414", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ params: { maxParams: 100 }, maxUrlLength: 4096 }))
      const many = Array.from({ length: 101 }, (_, i) => `p${i}=1`).join("&")
      invalid(yield* call(emulator, postForm(`${hook1}/test.echo`, many)), 400, "More than 100")
      invalid(yield* call(emulator, postForm(`${hook1}/test.echo`, `${"k".repeat(1025)}=1`)), 400, "longer than 1024")
      invalid(yield* call(emulator, get(`${hook1}/test.echo?q=${"x".repeat(5000)}`)), 414, "4096")
    })
  )

  it.effect("bytes that are not UTF-8 in the query or a form body: 400; in a JSON body: dropped", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      invalid(yield* call(emulator, get(`${hook1}/test.echo?name=%C0%AF`)), 400, "UTF-8")
      invalid(yield* call(emulator, postForm(`${hook1}/test.echo`, "name=%FF")), 400, "UTF-8")
      droppedBody(
        yield* call(
          emulator,
          raw(new Blob([new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])]), "application/json")
        )
      )
    })
  )

  it.effect("a multipart body without a usable boundary: 400", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      invalid(yield* call(emulator, raw("garbage", "multipart/form-data")), 400, "multipart")
      invalid(yield* call(emulator, raw("--x\r\nbroken", "multipart/form-data; boundary=x")), 400, "multipart")
    })
  )

  it.effect("broken percent-encoding in the path is answered, not thrown", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      for (const path of ["/rest/1/%E0%A4%A/test.echo", "/rest/%/x", "/rest/1/%ZZ/%C0"]) {
        const answer = yield* call(emulator, get(`${base}${path}`))
        assert.isTrue(answer.status >= 400 && answer.status < 500, `${path}: ${answer.status}`)
        assert.isString(answer.body?.error, path)
      }
    })
  )

  it.effect("bad requests do not disturb good ones running alongside", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ rateLimit: false, maxBodyBytes: 4096 }))
      const requests = Array.from({ length: 40 }, (_, i) =>
        i % 4 === 0
          ? raw("{", "application/json")
          : i % 4 === 1
            ? postJson(`${hook1}/test.echo`, { big: "x".repeat(10_000) })
            : i % 4 === 2
              ? get(`${hook1}/test.echo?${deepKey(80)}=1`)
              : get(`${hook1}/test.echo?i=${i}`)
      )
      const answers = yield* Effect.forEach(requests, (request) => call(emulator, request), {
        concurrency: "unbounded"
      })
      answers.forEach((answer, i) => {
        if (i % 4 === 3) {
          assert.strictEqual(answer.status, 200)
          assert.deepStrictEqual(answer.body.result.params, { i: String(i) })
        } else if (i % 4 === 0) {
          droppedBody(answer)
        } else {
          assert.strictEqual(answer.body.error, "INVALID_REQUEST")
        }
      })
    })
  )

  it("invalid options are refused up front", () => {
    assert.throws(() => Emulator.webHandler(options({ timeZone: "Mars/Olympus" })), /timeZone/)
    assert.throws(() => Emulator.webHandler(options({ rateLimit: { burst: 0 } })), /rateLimit.burst/)
    assert.throws(() => Emulator.webHandler(options({ faults: { internalError: {} } })), /internalError/)
    assert.throws(() => Emulator.webHandler(options({ publicUrl: "ftp://x" })), /publicUrl/)
  })

  it.effect("make fails with OptionsError for invalid options", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Emulator.make(options({ startAt: "not a date", maxBodyBytes: -1 })))
      assert.strictEqual(error._tag, "OptionsError")
      assert.strictEqual(error.problems.length, 2)
    })
  )
})
