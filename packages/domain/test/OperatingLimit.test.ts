import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import * as OperatingLimit from "../src/OperatingLimit.js"

describe("OperatingLimit", () => {
  it("collects one-minute buckets that live ten minutes", () => {
    let ledger = OperatingLimit.empty
    ledger = OperatingLimit.record(ledger, 1000.5, 10)
    ledger = OperatingLimit.record(ledger, 1059.9, 5)
    ledger = OperatingLimit.record(ledger, 1060.2, 7)
    assert.deepStrictEqual(ledger, [
      { start: 1000, seconds: 15 },
      { start: 1060, seconds: 7 }
    ])
    assert.strictEqual(OperatingLimit.total(ledger, 1599), 22)
    assert.strictEqual(OperatingLimit.resetAt(ledger, 1599), 1600)
    assert.strictEqual(OperatingLimit.total(ledger, 1600), 7)
    assert.strictEqual(OperatingLimit.resetAt(ledger, 1600), 1660)
    assert.strictEqual(OperatingLimit.resetAt(ledger, 2000), 2600)
    assert.isTrue(OperatingLimit.isBlocked(ledger, 1000, 21))
    assert.isFalse(OperatingLimit.isBlocked(ledger, 1000, 22))
  })

  it("the documentation's worked example: 480 s, 25 calls of 20 s, unblocked when a 40 s bucket expires", () => {
    let ledger = OperatingLimit.empty
    // 20 calls in the first minute (400 s), 5 more in the second (100 s)
    for (let i = 0; i < 20; i++) ledger = OperatingLimit.record(ledger, 10_000 + i, 20)
    for (let i = 0; i < 5; i++) ledger = OperatingLimit.record(ledger, 10_060 + i, 20)
    assert.isTrue(OperatingLimit.isBlocked(ledger, 10_100, OperatingLimit.defaultLimitSeconds))
    assert.strictEqual(OperatingLimit.resetAt(ledger, 10_100), 10_000 + OperatingLimit.windowSeconds)
    assert.isFalse(OperatingLimit.isBlocked(ledger, 10_600, OperatingLimit.defaultLimitSeconds))
  })

  it.prop(
    "the total is the sum of what was recorded in the last window, and no more than ten buckets live",
    [
      FastCheck.array(
        FastCheck.tuple(FastCheck.integer({ min: 0, max: 5_000 }), FastCheck.integer({ min: 0, max: 30 })),
        { maxLength: 60 }
      ).map((calls) => [...calls].sort((a, b) => a[0] - b[0])),
      FastCheck.integer({ min: 0, max: 6_000 })
    ],
    ([calls, later]) => {
      let ledger = OperatingLimit.empty
      for (const [at, seconds] of calls) ledger = OperatingLimit.record(ledger, at, seconds)
      const now = (calls.at(-1)?.[0] ?? 0) + later
      const alive = OperatingLimit.live(ledger, now)
      assert.isAtMost(alive.length, OperatingLimit.windowSeconds / OperatingLimit.bucketSeconds)
      // every call counted is in a bucket that started at most 60 s before it and is still alive
      const counted = calls.filter(([at]) => alive.some((b) => b.start <= at && at < b.start + 60))
      assert.strictEqual(
        OperatingLimit.total(ledger, now),
        counted.reduce((sum, [, s]) => sum + s, 0)
      )
      assert.isTrue(alive.every((b) => b.start + OperatingLimit.windowSeconds > now))
    }
  )
})
