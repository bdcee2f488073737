import { assert, describe, it } from "@effect/vitest"
import { AtomDateTime } from "@im-recent/domain"
import { DateTime, Either, Schema } from "effect"

describe("AtomDateTime", () => {
  it("keeps the offset", () => {
    const decoded = Schema.decodeUnknownSync(AtomDateTime.AtomDateTime)("2026-02-26T00:01:26+03:00")
    assert.strictEqual(DateTime.formatIso(decoded), "2026-02-25T21:01:26.000Z")
    assert.strictEqual(AtomDateTime.offsetOf(decoded), 3 * 3_600_000)
  })
  it("rejects Z", () => {
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(AtomDateTime.AtomDateTime)("2026-02-26T00:01:26Z")))
  })
})
