import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as ChatType from "../src/ChatType.js"

describe("ChatType", () => {
  it("lists the eleven letters once each", () => {
    assert.deepStrictEqual([...ChatType.all], ["P", "C", "O", "L", "S", "T", "N", "J", "A", "B", "X"])
    assert.strictEqual(new Set(ChatType.all).size, 11)
  })

  it("describes every letter", () => {
    assert.sameMembers(Object.keys(ChatType.descriptions), [...ChatType.all])
    assert.match(ChatType.descriptions.L, /open line/)
  })

  it.each([...ChatType.all])("decodes %s", (letter) => {
    assert.strictEqual(Schema.decodeUnknownSync(ChatType.ChatType)(letter), letter)
    assert.isTrue(ChatType.isChatType(letter))
  })

  it.each(["p", "Q", "", "PC", 1, null])("rejects %j", (value) => {
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(ChatType.ChatType)(value)))
    assert.isFalse(ChatType.isChatType(value))
  })
})
