import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { width, wrap } from "../src/internal/text.js"

const word = FastCheck.stringMatching(/^[a-z]{1,12}$/).chain((latin) =>
  FastCheck.constantFrom(latin, `${latin}👍`, `漢字${latin}`)
)

describe("Text.wrap", () => {
  it.prop(
    "lines fit the width and keep every word whole, in order, when words are narrower than a line",
    [FastCheck.array(word, { minLength: 1, maxLength: 40 }), FastCheck.integer({ min: 16, max: 120 })],
    ([words, columns]) => {
      const lines = wrap(words.join(" "), columns)
      for (const line of lines) assert.isAtMost(width(line), columns, line)
      assert.deepStrictEqual(lines.join(" ").split(" "), words)
      // greedy: the next line's first word would not have fitted on the line before
      for (let i = 1; i < lines.length; i++) {
        assert.isAbove(width(`${lines[i - 1]} ${lines[i].split(" ")[0]}`), columns)
      }
    }
  )

  it("cuts a word wider than a line, keeps line breaks", () => {
    assert.deepStrictEqual(wrap("see https://example.com/a/very/long/path now", 12), [
      "see",
      "https://exam",
      "ple.com/a/ve",
      "ry/long/path",
      "now"
    ])
    assert.deepStrictEqual(wrap("one two\nthree", 80), ["one two", "three"])
    assert.deepStrictEqual(wrap("漢字漢字漢字", 5), ["漢字", "漢字", "漢字"])
  })
})
