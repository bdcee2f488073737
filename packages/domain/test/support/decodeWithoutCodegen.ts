/**
 * Run by `FastDecode.test.ts` in a child Node process started with `--disallow-code-generation-from-strings`: decodes
 * the documented `im.recent.get` response and a bad one with `FastDecode`, and prints what happened as one JSON line.
 */
import { readFileSync } from "node:fs"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as FastDecode from "../../src/FastDecode.js"
import * as RecentGet from "../../src/RecentGet.js"

let newFunction: string
try {
  new Function("return 1")()
  newFunction = "allowed"
} catch (error) {
  newFunction = String(error)
}
const text = readFileSync(new URL("../../../../contracts/fixtures/im.recent.get.en.json", import.meta.url), "utf8")
const decode = FastDecode.decodeUnknownEither(RecentGet.Response, { errors: "all", onExcessProperty: "ignore" })
const good = decode(JSON.parse(text))
const regular = Schema.decodeUnknownEither(RecentGet.Response, { errors: "all", onExcessProperty: "ignore" })(
  JSON.parse(text)
)
const bad = decode({ result: [{ id: "x" }], time: {} })
process.stdout.write(
  `${JSON.stringify({
    newFunction,
    compiles: FastDecode.compiles(),
    decoded: Either.isRight(good) ? good.right.result.length : -1,
    sameAsRegular:
      Either.isRight(good) &&
      Either.isRight(regular) &&
      JSON.stringify(Schema.encodeSync(RecentGet.Response)(good.right)) ===
        JSON.stringify(Schema.encodeSync(RecentGet.Response)(regular.right)),
    badIsLeft: Either.isLeft(bad)
  })}\n`
)
