import { assert, describe, it } from "@effect/vitest"
import { Emulator } from "@im-recent/emulator"
import { Effect, Fiber, TestClock } from "effect"
import { type Answer, base, call, get, hook1, options, postJson, START, secrets } from "./support.js"

const expectError = (answer: Answer, status: number, code: string, description: string) => {
  assert.strictEqual(answer.status, status, answer.text)
  assert.strictEqual(answer.headers.get("content-type"), "application/json; charset=utf-8")
  assert.strictEqual(answer.body.error, code)
  assert.strictEqual(answer.body.error_description, description)
  assert.deepStrictEqual(Object.keys(answer.body), ["error", "error_description"])
}

describe("the portal's leaky bucket over HTTP", () => {
  it.effect("50 requests at once, the 51st refused with a JSON 503, one more after 1/2 s", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      for (let i = 0; i < 50; i++) {
        const answer = yield* call(emulator, get(`${hook1}/test.echo`))
        assert.strictEqual(answer.status, 200, `request ${i + 1}`)
      }
      expectError(yield* call(emulator, get(`${hook1}/test.echo`)), 503, "QUERY_LIMIT_EXCEEDED", "Too many requests")
      yield* TestClock.adjust("499 millis")
      assert.strictEqual((yield* call(emulator, get(`${hook1}/test.echo`))).status, 503)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* call(emulator, get(`${hook1}/test.echo`))).status, 200)
      assert.strictEqual((yield* call(emulator, get(`${hook1}/test.echo`))).status, 503)
    })
  )

  it.effect("the bucket is per portal: webhooks, tokens and bad credentials share it", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ rateLimit: { burst: 3, drainPerSecond: 1 } }))
      assert.strictEqual((yield* call(emulator, get(`${hook1}/test.echo`))).status, 200)
      assert.strictEqual((yield* call(emulator, get(`${base}/rest/1/wrong/test.echo`))).status, 401)
      assert.strictEqual((yield* call(emulator, get(`${base}/rest/test.echo?auth=${secrets.access2}`))).status, 200)
      const refused = yield* call(emulator, get(`${base}/rest/2/${secrets.hook2}/test.echo`))
      assert.strictEqual(refused.status, 503)
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* call(emulator, get(`${base}/rest/2/${secrets.hook2}/test.echo`))).status, 200)
    })
  )

  it.effect("a batch counts once, however many commands it runs", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ rateLimit: { burst: 2, drainPerSecond: 1 } }))
      const cmd = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`c${i}`, "test.echo"]))
      const batch = yield* call(emulator, postJson(`${hook1}/batch`, { cmd }))
      assert.strictEqual(batch.status, 200)
      assert.strictEqual(Object.keys(batch.body.result.result).length, 10)
      assert.strictEqual((yield* call(emulator, get(`${hook1}/test.echo`))).status, 200)
      assert.strictEqual((yield* call(emulator, get(`${hook1}/test.echo`))).status, 503)
    })
  )

  it.effect("rateLimit: false switches it off", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ rateLimit: false }))
      for (let i = 0; i < 120; i++) assert.strictEqual((yield* call(emulator, get(`${hook1}/test.echo`))).status, 200)
    })
  )
})

describe("the operating limit over HTTP", () => {
  const echo = (emulator: Emulator.Service, url = `${hook1}/test.echo`) => call(emulator, get(url))

  it.effect("the documented example: 20 × 20 s, 5 more pass, the next is blocked until the oldest bucket drops", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(
        options({ rateLimit: false, operatingLimit: { limitSeconds: 480, cost: 20 } })
      )
      // The oldest bucket holds 40 s: two calls in the first minute.
      for (let i = 0; i < 2; i++) yield* echo(emulator)
      yield* TestClock.adjust("60 seconds")
      for (let i = 0; i < 18; i++) yield* echo(emulator)
      let answer = yield* echo(emulator)
      assert.strictEqual(answer.body.time.operating, 420)
      for (let i = 0; i < 4; i++) answer = yield* echo(emulator)
      assert.strictEqual(answer.status, 200)
      assert.strictEqual(answer.body.time.operating, 500, "the call that crosses the limit still runs")
      assert.strictEqual(answer.body.time.operating_reset_at, START + 600)

      const blocked = yield* echo(emulator)
      // CRestServer::processCall; no time object: clients take operating_reset_at from their last success
      expectError(blocked, 429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.")

      // Other methods and other webhooks are not affected.
      assert.strictEqual((yield* call(emulator, get(`${hook1}/test.list`))).status, 200)
      assert.strictEqual((yield* echo(emulator, `${base}/rest/2/${secrets.hook2}/test.echo`)).status, 200)

      yield* TestClock.adjust("539 seconds")
      assert.strictEqual((yield* echo(emulator)).status, 429, "one second before the oldest bucket drops")
      yield* TestClock.adjust("1 second")
      const again = yield* echo(emulator)
      assert.strictEqual(again.status, 200, "460 s left, below the limit")
      assert.strictEqual(again.body.time.operating, 480)
      assert.strictEqual(again.body.time.operating_reset_at, START + 60 + 600)
      assert.strictEqual((yield* echo(emulator)).status, 200, "480 s is not over the limit")
      assert.strictEqual((yield* echo(emulator)).status, 429)
    })
  )

  it.effect("counted per OAuth application, separately from webhooks", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(
        options({ rateLimit: false, operatingLimit: { limitSeconds: 30, cost: 20 } })
      )
      const viaApp = (token: string) => call(emulator, postJson(`${base}/rest/test.echo`, { auth: token }))
      assert.strictEqual((yield* viaApp(secrets.access1)).body.time.operating, 20)
      assert.strictEqual((yield* viaApp(secrets.access2)).body.time.operating, 40, "one app, two users, one budget")
      assert.strictEqual((yield* viaApp(secrets.access1)).status, 429)
      assert.strictEqual((yield* echo(emulator)).body.time.operating, 20, "the webhook has its own budget")
    })
  )

  it.effect("by default a call costs its measured processing time", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const fiber = yield* Effect.fork(call(emulator, get(`${hook1}/test.slow`)))
      yield* TestClock.adjust("3 seconds")
      const answer = yield* Fiber.join(fiber)
      assert.strictEqual(answer.status, 200)
      assert.strictEqual(answer.body.time.processing, 3)
      assert.strictEqual(answer.body.time.operating, 3)
      assert.strictEqual(answer.body.time.duration, 3)
      assert.strictEqual(answer.body.time.finish, START + 3)
    })
  )

  it.effect("in a batch each command counts against its own method; the batch itself does not", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ operatingLimit: { cost: 20 } }))
      const batch = yield* call(
        emulator,
        postJson(`${hook1}/batch`, { cmd: { a: "test.echo", b: "test.echo", c: "test.list" } })
      )
      const times = batch.body.result.result_time
      assert.deepStrictEqual([times.a.operating, times.b.operating, times.c.operating], [20, 40, 20])
      assert.strictEqual(batch.body.time.operating, 0)
      assert.strictEqual(batch.body.time.processing, 60)
      assert.strictEqual((yield* echo(emulator)).body.time.operating, 60)
    })
  )

  it.effect("a blocked command fails alone inside a batch", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ operatingLimit: { limitSeconds: 10, cost: 20 } }))
      yield* echo(emulator)
      const batch = yield* call(emulator, postJson(`${hook1}/batch`, { cmd: { a: "test.echo", b: "test.list" } }))
      assert.strictEqual(batch.status, 200)
      assert.deepStrictEqual(batch.body.result.result_error, {
        a: { error: "OPERATION_TIME_LIMIT", error_description: "Method is blocked due to operation time limit." }
      })
      assert.deepStrictEqual(Object.keys(batch.body.result.result), ["b"])
    })
  )

  it.effect("operatingLimit: false switches it off, and the operating fields go with it", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ operatingLimit: false }))
      const answer = yield* echo(emulator)
      assert.deepStrictEqual(Object.keys(answer.body.time), [
        "start",
        "finish",
        "duration",
        "processing",
        "date_start",
        "date_finish"
      ])
    })
  )
})
