import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import * as RateLimit from "../src/RateLimit.js"

const run = (settings: RateLimit.Settings, arrivals: ReadonlyArray<number>) => {
  let bucket = RateLimit.empty
  return arrivals.map((at) => {
    const [accepted, next] = RateLimit.take(bucket, at, settings)
    bucket = next
    return accepted
  })
}

describe("RateLimit", () => {
  it("serves `burst` requests at once, refuses the next without counting it, and drains over time", () => {
    const settings = RateLimit.make(3, 2)
    let bucket = RateLimit.empty
    const take = (now: number) => {
      const [accepted, next] = RateLimit.take(bucket, now, settings)
      bucket = next
      return accepted
    }
    assert.deepStrictEqual([take(0), take(0), take(0), take(0), take(0)], [true, true, true, false, false])
    assert.strictEqual(bucket.level, 3)
    assert.isFalse(take(490))
    assert.isTrue(take(500))
    assert.isFalse(take(500))
    assert.isTrue(take(100_000))
    assert.strictEqual(bucket.level, 1, "never drains below 0")
  })

  it("presets and custom settings", () => {
    assert.deepStrictEqual(RateLimit.standard, { burst: 50, drainPerSecond: 2 })
    assert.deepStrictEqual(RateLimit.enterprise, { burst: 250, drainPerSecond: 5 })
    assert.throws(() => RateLimit.make(0, 1), RangeError, "burst must be a positive integer, got 0")
    assert.throws(() => RateLimit.make(2.5, 1), RangeError)
    assert.throws(() => RateLimit.make(3, 0), RangeError, "drainPerSecond must be a positive finite number, got 0")
    assert.throws(() => RateLimit.make(3, Number.POSITIVE_INFINITY), RangeError)
  })

  it("fill makes the next request wait a full 1/Y; add counts without the check", () => {
    const settings = RateLimit.make(5, 4)
    const full = RateLimit.fill(RateLimit.empty, 1000, settings)
    assert.strictEqual(RateLimit.waitMillis(full, 1000, settings), 250)
    assert.strictEqual(RateLimit.waitMillis(full, 1250, settings), 0)
    assert.strictEqual(RateLimit.add(full, 1000, settings).level, 6)
  })

  const settingsArb = FastCheck.record({
    burst: FastCheck.integer({ min: 1, max: 8 }),
    drainPerSecond: FastCheck.constantFrom(0.5, 1, 2, 3, 5, 7)
  })
  const arrivalsArb = FastCheck.array(FastCheck.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 40 }).map(
    (times) => [...times].sort((a, b) => a - b)
  )

  it.prop(
    "a sender that waits waitMillis before each request is never refused, and waits no longer than it must",
    [settingsArb, arrivalsArb],
    ([settings, wanted]) => {
      let mirror = RateLimit.empty
      const sent: Array<number> = []
      for (const want of wanted) {
        const from = Math.max(want, sent.at(-1) ?? 0)
        const at = from + RateLimit.waitMillis(mirror, from, settings)
        mirror = RateLimit.add(mirror, at, settings)
        sent.push(at)
      }
      assert.isTrue(run(settings, sent).every(Boolean), `sent at ${sent.join(",")}`)
      sent.forEach((at, i) => {
        const from = Math.max(wanted[i]!, sent[i - 1] ?? 0)
        if (at > from) {
          const earlier = [...sent.slice(0, i), at - 1]
          assert.isFalse(run(settings, earlier).at(-1), `request ${i} could have gone at ${at - 1}`)
        }
      })
    },
    { fastCheck: { numRuns: 300 } }
  )

  it.prop(
    "from an idle bucket, burst requests pass at once and the rest at the drain rate",
    [settingsArb, FastCheck.integer({ min: 1, max: 30 })],
    ([settings, extra]) => {
      const atOnce = run(
        settings,
        Array.from({ length: settings.burst + extra }, () => 0)
      )
      assert.strictEqual(atOnce.filter(Boolean).length, settings.burst)
      const spaced = Array.from({ length: extra }, (_, i) => ((i + 1) * 1000) / settings.drainPerSecond)
      assert.isTrue(run(settings, [...Array.from({ length: settings.burst }, () => 0), ...spaced]).every(Boolean))
    }
  )
})
