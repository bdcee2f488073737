import { assert, describe, it } from "@effect/vitest"
import { Emulator, Faults } from "@im-recent/emulator"
import { Effect, Fiber, Option, TestClock } from "effect"
import { call, get, hook1, options } from "./support.js"

const decisions = (settings: Faults.Settings, methods: ReadonlyArray<string>) => {
  let state = Faults.initial(settings)
  return methods.map((method) => {
    const [decision, next] = Faults.decide(settings, state, method)
    state = next
    return decision
  })
}

const statuses = (settings: Faults.Settings, count: number) =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make(options({ rateLimit: false, faults: settings }))
    const result: Array<number> = []
    for (let i = 0; i < count; i++) result.push((yield* call(emulator, get(`${hook1}/test.echo`))).status)
    return result
  })

describe("Faults.decide", () => {
  it("is deterministic for a seed, and differs between seeds", () => {
    const methods = Array.from({ length: 200 }, () => "test.echo")
    const a = decisions({ seed: 7, internalError: { probability: 0.3 } }, methods).map((d) => d.fault)
    const b = decisions({ seed: 7, internalError: { probability: 0.3 } }, methods).map((d) => d.fault)
    const c = decisions({ seed: 8, internalError: { probability: 0.3 } }, methods).map((d) => d.fault)
    assert.deepStrictEqual(a, b)
    assert.notDeepEqual(a, c)
    const fired = a.filter((fault) => fault === "internalError").length
    assert.isTrue(fired > 30 && fired < 90, `about 30 % fire: ${fired}`)
  })

  it("every N-th eligible request, limited to some methods", () => {
    const settings: Faults.Settings = { badGateway: { every: 2, methods: ["IM.Recent.Get"] } }
    const faults = decisions(settings, [
      "im.recent.get",
      "test.echo",
      "im.recent.get",
      "im.recent.get",
      "im.recent.get"
    ])
    assert.deepStrictEqual(
      faults.map((d) => d.fault),
      [undefined, undefined, "badGateway", undefined, "badGateway"]
    )
  })

  it("the earlier kind wins, latency combines, and one rule's draws never shift another's", () => {
    const both = decisions(
      { seed: 1, internalError: { every: 1 }, truncatedJson: { every: 1 }, latency: { every: 1, millis: 250 } },
      ["m"]
    )
    assert.deepStrictEqual(both, [{ fault: "internalError", latencyMillis: 250 }])
    const methods = Array.from({ length: 50 }, () => "m")
    const alone = decisions({ seed: 3, overload: { probability: 0.5 } }, methods).map((d) => d.fault === "overload")
    const withOther = decisions(
      { seed: 3, dropConnection: { every: 1000 }, overload: { probability: 0.5 } },
      methods
    ).map((d) => d.fault === "overload")
    assert.deepStrictEqual(withOther, alone)
  })

  it("validates rules", () => {
    assert.deepStrictEqual(Faults.validate({ internalError: { every: 3 } }), [])
    assert.strictEqual(Faults.validate({ internalError: {} }).length, 1)
    assert.strictEqual(Faults.validate({ internalError: { every: 1, probability: 1 } }).length, 1)
    assert.strictEqual(Faults.validate({ overload: { probability: 2 } }).length, 1)
    assert.strictEqual(Faults.validate({ latency: { every: 0, millis: -1 } }).length, 2)
  })
})

describe("faults over HTTP", () => {
  it.effect("internalError: 500 INTERNAL_SERVER_ERROR, exactly { error, error_description }", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ faults: { internalError: { every: 1 } } }))
      const answer = yield* call(emulator, get(`${hook1}/test.echo`))
      assert.strictEqual(answer.status, 500)
      assert.strictEqual(answer.headers.get("content-type"), "application/json; charset=utf-8")
      assert.strictEqual(answer.body.error, "INTERNAL_SERVER_ERROR")
      assert.deepStrictEqual(answer.body, {
        error: "INTERNAL_SERVER_ERROR",
        error_description: "Internal server error"
      })
    })
  )

  it.effect("badGateway: nginx's HTML 502 page", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ faults: { badGateway: { every: 1 } } }))
      const answer = yield* call(emulator, get(`${hook1}/test.echo`))
      assert.strictEqual(answer.status, 502)
      assert.strictEqual(answer.headers.get("content-type"), "text/html")
      assert.include(answer.text, "<title>502 Bad Gateway</title>")
      assert.include(answer.text, "nginx")
      assert.isUndefined(answer.body)
    })
  )

  it.effect("overload: 503 OVERLOAD_LIMIT", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ faults: { overload: { every: 1 } } }))
      const answer = yield* call(emulator, get(`${hook1}/test.echo`))
      assert.strictEqual(answer.status, 503)
      assert.strictEqual(answer.body.error, "OVERLOAD_LIMIT")
      assert.strictEqual(answer.body.error_description, "REST API is blocked due to overload.")
    })
  )

  it.effect("truncatedJson: a 200 whose JSON body is cut in the middle, after the call ran", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ faults: { truncatedJson: { every: 2 } } }))
      const whole = yield* call(emulator, get(`${hook1}/test.echo`))
      const cut = yield* call(emulator, get(`${hook1}/test.echo`))
      assert.strictEqual(cut.status, 200)
      assert.strictEqual(cut.headers.get("content-type"), "application/json; charset=utf-8")
      assert.isUndefined(cut.body, "not parseable")
      assert.isTrue(cut.text.length > 0 && cut.text.length < whole.text.length)
      assert.isTrue(whole.text.startsWith(cut.text))
    })
  )

  it.effect("latency delays the answer on the emulator's clock", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options({ faults: { latency: { every: 1, millis: 1500 } } }))
      const fiber = yield* Effect.fork(call(emulator, get(`${hook1}/test.echo`)))
      yield* TestClock.adjust("1499 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      const answer = yield* Fiber.join(fiber)
      assert.strictEqual(answer.status, 200)
    })
  )

  it.effect("limited to some methods", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(
        options({ faults: { internalError: { every: 1, methods: ["test.list"] } } })
      )
      assert.strictEqual((yield* call(emulator, get(`${hook1}/test.echo`))).status, 200)
      assert.strictEqual((yield* call(emulator, get(`${hook1}/test.list`))).status, 500)
    })
  )

  it.effect("a seeded probability gives the same failures on every run", () =>
    Effect.gen(function* () {
      const settings: Faults.Settings = {
        seed: 42,
        internalError: { probability: 0.25 },
        overload: { probability: 0.25 }
      }
      const first = yield* statuses(settings, 40)
      const second = yield* statuses(settings, 40)
      assert.deepStrictEqual(first, second)
      const expected = decisions(
        settings,
        Array.from({ length: 40 }, () => "test.echo")
      ).map((d) => (d.fault === "internalError" ? 500 : d.fault === "overload" ? 503 : 200))
      assert.deepStrictEqual(first, expected)
      assert.isTrue(first.includes(500) && first.includes(503) && first.includes(200))
      assert.notDeepEqual(yield* statuses({ ...settings, seed: 43 }, 40), first)
    })
  )

  it("dropConnection: the web handler rejects like fetch on a reset socket", async () => {
    const { handler, dispose } = Emulator.webHandler(options({ faults: { dropConnection: { every: 2 } } }))
    try {
      assert.strictEqual((await handler(`${hook1}/test.echo`)).status, 200)
      const error = await handler(`${hook1}/test.echo`).then(
        () => assert.fail("expected a rejection"),
        (error: unknown) => error as { code?: string }
      )
      assert.instanceOf(error, TypeError)
      assert.strictEqual(error.code, "ECONNRESET")
      assert.strictEqual((await handler(`${hook1}/test.echo`)).status, 200, "the next request is served")
    } finally {
      await dispose()
    }
  })
})
