import { assert, describe, it } from "@effect/vitest"
import { AtomDateTime, FastDecode } from "@im-recent/domain"
import { Arbitrary, DateTime, Either, Equal, FastCheck as fc, Hash, Option, Schema } from "effect"

const decode = Schema.decodeUnknownSync(AtomDateTime.AtomDateTime)

describe("AtomDateTime", () => {
  it("keeps the offset", () => {
    const decoded = decode("2026-02-26T00:01:26+03:00")
    assert.strictEqual(DateTime.formatIso(decoded), "2026-02-25T21:01:26.000Z")
    assert.strictEqual(AtomDateTime.offsetOf(decoded), 3 * 3_600_000)
  })

  it("rejects Z", () => {
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(AtomDateTime.AtomDateTime)("2026-02-26T00:01:26Z")))
  })

  it("reads years below 100 literally", () => {
    assert.strictEqual(DateTime.formatIso(decode("0042-03-01T00:00:00+00:00")), "0042-03-01T00:00:00.000Z")
  })

  it("decoded values behave exactly like DateTime.unsafeMakeZoned values", () => {
    const decoded = decode("2026-02-26T00:01:26+03:00")
    const regular = DateTime.unsafeMakeZoned(Date.UTC(2026, 1, 25, 21, 1, 26), {
      timeZone: DateTime.zoneMakeOffset(3 * 3_600_000)
    })
    assert.isTrue(DateTime.isDateTime(decoded) && DateTime.isZoned(decoded))
    assert.isTrue(Equal.equals(decoded, regular))
    assert.strictEqual(Hash.hash(decoded), Hash.hash(regular))
    assert.deepStrictEqual(Object.keys(decoded), Object.keys(regular))
    assert.strictEqual(JSON.stringify(decoded), JSON.stringify(regular))
    assert.strictEqual(String(decoded), String(regular))
    assert.deepStrictEqual(DateTime.toParts(decoded), DateTime.toParts(regular))
    assert.deepStrictEqual(DateTime.toPartsUtc(decoded), DateTime.toPartsUtc(regular))
    assert.strictEqual(DateTime.formatIsoZoned(decoded), DateTime.formatIsoZoned(regular))
    // Caches filled by the calls above stay invisible.
    assert.deepStrictEqual(Object.keys(decoded), ["epochMillis", "zone"])
    assert.strictEqual(DateTime.formatIsoZoned(DateTime.add(decoded, { hours: 1 })), "2026-02-26T01:01:26.000+03:00")
    assert.isTrue(Option.isSome(DateTime.make(decoded)))
  })
})

describe("AtomDateTime's cache of decoded wire strings", () => {
  const regular = Schema.decodeUnknownEither(AtomDateTime.AtomDateTime)
  const fast = FastDecode.decodeUnknownEither(AtomDateTime.AtomDateTime)
  const bound = 2 * AtomDateTime.CACHE_GENERATION
  const same = (input: string) => {
    const a = fast(input)
    const b = regular(input)
    assert.strictEqual(a._tag, b._tag, input)
    if (Either.isRight(a) && Either.isRight(b)) {
      assert.isTrue(Equal.equals(a.right, b.right))
      assert.deepStrictEqual(a.right, b.right)
      assert.strictEqual(DateTime.formatIsoZoned(a.right), DateTime.formatIsoZoned(b.right))
      assert.strictEqual(AtomDateTime.format(a.right), AtomDateTime.format(b.right))
    }
    if (Either.isLeft(a) && Either.isLeft(b)) assert.strictEqual(a.left.message, b.left.message)
  }
  const atomText = Arbitrary.make(AtomDateTime.AtomDateTimeFromSelf).map(AtomDateTime.format)
  const text = fc.oneof(
    atomText,
    atomText.chain((valid) =>
      fc
        .tuple(fc.nat({ max: 25 }), fc.constantFrom(..."0123456789+-:TZ x"))
        .map(([i, c]) => valid.slice(0, i) + c + valid.slice(i + 1))
    )
  )

  it.prop(
    "a string decodes to the regular decoder's value the first time and every time after (valid and invalid)",
    [fc.array(text, { minLength: 1, maxLength: 50 })],
    ([inputs]) => {
      for (const input of [...inputs, ...inputs, ...[...inputs].reverse()]) same(input)
      assert.isAtMost(AtomDateTime.cacheSize(), bound)
    },
    { fastCheck: { numRuns: 300 } }
  )

  it.prop(
    "stays bounded past two generations of distinct strings, and evicted strings decode again to equal values",
    [
      fc.integer({ min: 0, max: 4_000_000_000 }),
      fc.integer({ min: -56, max: 56 }),
      fc.array(fc.nat(), { minLength: 20, maxLength: 60 })
    ],
    ([startSeconds, quarterHours, picks]) => {
      const strings = Array.from({ length: bound + AtomDateTime.CACHE_GENERATION / 2 }, (_, i) =>
        AtomDateTime.formatEpoch((startSeconds + i * 61) * 1000, quarterHours * 15 * 60_000)
      )
      for (const input of strings) {
        assert.isTrue(Either.isRight(fast(input)))
        if (AtomDateTime.cacheSize() > bound) assert.fail(`${AtomDateTime.cacheSize()} entries, more than ${bound}`)
      }
      // the first strings were dropped with the old generation; the latest are still there: both decode alike
      for (const pick of picks) same(strings[pick % strings.length]!)
      same(strings[0]!)
      same(strings[strings.length - 1]!)
      assert.isAtMost(AtomDateTime.cacheSize(), bound)
    },
    { fastCheck: { numRuns: 2 } }
  )
})
