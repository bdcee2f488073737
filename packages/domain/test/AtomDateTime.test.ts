import { assert, describe, it } from "@effect/vitest"
import { AtomDateTime } from "@im-recent/domain"
import { DateTime, Either, Equal, Hash, Option, Schema } from "effect"

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
