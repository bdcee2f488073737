import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, RequestThrottle } from "@im-recent/client"
import { RateLimit } from "@im-recent/domain"
import { Clock, Effect, Exit, Fiber, FastCheck as fc, Layer, Schema, TestClock } from "effect"
import * as Msw from "./support/Msw.js"

/** The server's rule (the domain's, which the emulator runs too) replayed over arrival times: how many it refuses. */
const serverRejections = (settings: RateLimit.Settings, arrivals: ReadonlyArray<number>): number => {
  let bucket = RateLimit.empty
  let rejected = 0
  for (const at of arrivals) {
    const [accepted, next] = RateLimit.take(bucket, at, settings)
    bucket = next
    if (!accepted) rejected += 1
  }
  return rejected
}

describe("RequestThrottle", () => {
  it.effect("X=3, Y=1: three requests at once, then one per second (through the transport)", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal(() => Msw.ok([]))
      const program = Effect.gen(function* () {
        const fiber = yield* Effect.fork(
          Effect.all(
            Array.from({ length: 6 }, () => Msw.callGet()),
            { concurrency: "unbounded" }
          )
        )
        yield* portal.awaitRequests(3)
        for (const at of [1000, 2000, 3000]) {
          yield* Msw.awaitSleep(at)
          yield* TestClock.setTime(at)
          yield* portal.awaitRequests(at / 1000 + 3)
        }
        yield* Fiber.join(fiber)
      })
      yield* program.pipe(Effect.provide(Msw.webhookLayer(portal, { rateLimit: RateLimit.make(3, 1) })))
      assert.deepStrictEqual(
        portal.requests.map((r) => r.at),
        [0, 0, 0, 1000, 2000, 3000]
      )
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("one bucket per portal, shared by two client instances", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal(() => Msw.ok([]))
      const options = { rateLimit: RateLimit.make(2, 2) }
      // two independently built clients of the same portal
      const a = yield* Layer.build(Msw.webhookLayer(portal, options))
      const b = yield* Layer.build(Msw.webhookLayer(portal, options))
      const callA = Msw.callGet().pipe(Effect.provide(a))
      const callB = Msw.callGet().pipe(Effect.provide(b))
      const fiber = yield* Effect.fork(Effect.all([callA, callA, callB, callB], { concurrency: "unbounded" }))
      yield* portal.awaitRequests(2)
      yield* Msw.awaitSleep(500)
      yield* TestClock.setTime(500)
      yield* Msw.awaitSleep(1000)
      yield* TestClock.setTime(1000)
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(
        portal.requests.map((r) => r.at),
        [0, 0, 500, 1000]
      )
    }).pipe(Effect.scoped, Effect.provide(Msw.layer))
  )

  it.effect("different portals have different buckets", () =>
    Effect.gen(function* () {
      const one = yield* Msw.fakePortal(() => Msw.ok([]))
      const two = yield* Msw.fakePortal(() => Msw.ok([]))
      const options = { rateLimit: RateLimit.make(1, 1) }
      yield* Effect.all(
        [
          Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(one, options))),
          Msw.callGet().pipe(Effect.provide(Msw.webhookLayer(two, options)))
        ],
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual([one.requests[0]!.at, two.requests[0]!.at], [0, 0])
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("a private registry separates clients of the same portal", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal(() => Msw.ok([]))
      const options = { rateLimit: RateLimit.make(1, 1) }
      const isolated = (effect: Effect.Effect<unknown, unknown, Bitrix24.Bitrix24>) =>
        effect.pipe(Effect.provide(Msw.webhookLayer(portal, options)), Effect.provide(RequestThrottle.layerIsolated))
      yield* Effect.all([isolated(Msw.callGet()), isolated(Msw.callGet())], { concurrency: "unbounded" })
      assert.deepStrictEqual(
        portal.requests.map((r) => r.at),
        [0, 0]
      )
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("after saturate (a QUERY_LIMIT_EXCEEDED from elsewhere) the next request waits 1/Y", () =>
    Effect.gen(function* () {
      const bucket = RequestThrottle.unsafeMakeBucket("k", RateLimit.make(5, 4))
      yield* bucket.saturate
      const fiber = yield* Effect.fork(bucket.withSlot(Clock.currentTimeMillis))
      yield* Msw.awaitSleep(250)
      yield* TestClock.adjust("250 millis")
      assert.strictEqual(yield* Fiber.join(fiber), 250)
    })
  )

  it.effect("a request counts until its response arrives (conservative for in-flight requests)", () =>
    Effect.gen(function* () {
      const bucket = RequestThrottle.unsafeMakeBucket("k", RateLimit.make(1, 1))
      const slow = bucket.withSlot(Effect.sleep("5 seconds"))
      const first = yield* Effect.fork(slow)
      const second = yield* Effect.fork(bucket.withSlot(Clock.currentTimeMillis))
      yield* Msw.awaitSleep(5000)
      yield* TestClock.setTime(5000)
      yield* Fiber.join(first)
      // completed at 5 s: drained by 6 s, whatever instant the server counted it at
      yield* Msw.awaitSleep(6000)
      yield* TestClock.setTime(6000)
      assert.strictEqual(yield* Fiber.join(second), 6000)
    })
  )

  it.effect("a call holds its slot until its answer has arrived, not while the answer is decoded", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal(() => Msw.ok([]))
      const program = Effect.gen(function* () {
        const bitrix = yield* Bitrix24.Bitrix24
        const seen: Array<number> = []
        // a schema whose decoding reads the bucket: the answer is in hand, the request no longer in flight
        const Probe = Schema.transform(Schema.Unknown, Schema.Unknown, {
          strict: true,
          decode: (body) => {
            seen.push(Effect.runSync(bitrix.bucket.state).inFlight)
            return body
          },
          encode: (body) => body
        })
        yield* bitrix.call("im.recent.get", {}, Probe)
        assert.deepStrictEqual(seen, [0])
        assert.strictEqual((yield* bitrix.bucket.state).level, 1)
      })
      yield* program.pipe(Effect.provide(Msw.webhookLayer(portal, { rateLimit: RateLimit.make(5, 1) })))
      assert.strictEqual(portal.requests.length, 1)
    }).pipe(Effect.provide(Msw.layer))
  )

  it.effect("an interrupted waiter leaves the queue; the next caller gets its slot", () =>
    Effect.gen(function* () {
      const bucket = RequestThrottle.unsafeMakeBucket("k", RateLimit.make(1, 1))
      yield* bucket.withSlot(Effect.void)
      const waiting = yield* Effect.fork(bucket.withSlot(Clock.currentTimeMillis))
      const next = yield* Effect.fork(bucket.withSlot(Clock.currentTimeMillis))
      yield* Msw.awaitSleep(1000)
      assert.isTrue(Exit.isInterrupted(yield* Fiber.interrupt(waiting)))
      yield* TestClock.setTime(1000)
      assert.strictEqual(yield* Fiber.join(next), 1000)
      const state = yield* bucket.state
      assert.strictEqual(state.waiting, 0)
      assert.strictEqual(state.inFlight, 0)
    })
  )

  it.effect.prop(
    "no request is ever refused by the server, and none waits longer than the server requires",
    {
      burst: fc.integer({ min: 1, max: 6 }),
      drain: fc.integer({ min: 1, max: 4 }),
      issues: fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 1, maxLength: 25 })
    },
    ({ burst, drain, issues }) =>
      Effect.gen(function* () {
        const settings = RateLimit.make(burst, drain)
        const bucket = RequestThrottle.unsafeMakeBucket("prop", settings)
        const sorted = [...issues].sort((a, b) => a - b)
        const admitted: Array<number> = []
        // requests are issued in order (one fiber per request, each starting at its issue time)
        const fibers = []
        for (const at of sorted) {
          yield* TestClock.setTime(at)
          fibers.push(
            yield* Effect.fork(bucket.withSlot(Effect.map(Clock.currentTimeMillis, (now) => admitted.push(now))))
          )
          yield* Effect.yieldNow()
        }
        yield* TestClock.adjust("1 hour")
        yield* Fiber.joinAll(fibers)
        assert.strictEqual(admitted.length, sorted.length)
        const times = [...admitted].sort((a, b) => a - b)
        assert.strictEqual(serverRejections(settings, times), 0, `arrivals ${times.join(",")}`)
        // tight: a request that waited would have been refused 1 ms earlier
        for (let i = 0; i < times.length; i++) {
          if (times[i]! > sorted[i]!) {
            const earlier = [...times.slice(0, i), times[i]! - 1]
            assert.isTrue(serverRejections(settings, earlier) > 0, `request ${i} waited too long: ${times.join(",")}`)
          }
        }
      }),
    { fastCheck: { numRuns: 60 } }
  )

  it.effect.prop(
    "with answers that take time, the server never refuses, wherever in the exchange it counts the request",
    {
      burst: fc.integer({ min: 1, max: 5 }),
      drain: fc.integer({ min: 1, max: 4 }),
      // per request: the exchange's duration, and where in it the server counts the request (0 = when sent)
      calls: fc.array(fc.record({ latency: fc.integer({ min: 0, max: 1500 }), at: fc.double({ min: 0, max: 1 }) }), {
        minLength: 1,
        maxLength: 20
      })
    },
    ({ burst, drain, calls }) =>
      Effect.gen(function* () {
        const settings = RateLimit.make(burst, drain)
        const bucket = RequestThrottle.unsafeMakeBucket("latency", settings)
        const counted: Array<number> = []
        const fibers = yield* Effect.forEach(calls, ({ latency, at }) =>
          Effect.fork(
            bucket.withSlot(
              Effect.gen(function* () {
                const sent = yield* Clock.currentTimeMillis
                counted.push(sent + Math.floor(at * latency))
                yield* Effect.sleep(latency)
              })
            )
          )
        )
        for (let step = 0; step < 400 && counted.length < calls.length; step++) {
          yield* Effect.yieldNow()
          yield* TestClock.adjust("100 millis")
        }
        yield* TestClock.adjust("1 hour")
        yield* Fiber.joinAll(fibers)
        assert.strictEqual(counted.length, calls.length)
        const arrivals = [...counted].sort((a, b) => a - b)
        assert.strictEqual(serverRejections(settings, arrivals), 0, `arrivals ${arrivals.join(",")}`)
      }),
    { fastCheck: { numRuns: 30 } }
  )
})
