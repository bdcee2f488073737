import { assert, describe, it } from "@effect/vitest"
import { RecentGet, RecentList } from "@im-recent/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as DialogRead from "../src/DialogRead.js"
import * as ExamplePortal from "../src/ExamplePortal.js"
import * as PortalState from "../src/PortalState.js"
import * as RecentRead from "../src/RecentRead.js"
import { fixture } from "./support.js"

describe("the documented examples", () => {
  for (const language of ["ru", "en"] as const) {
    it.effect(`im.recent.get (${language}) answers exactly the documented result, key order included`, () =>
      Effect.sync(() => {
        const example = ExamplePortal.recentGet(language)
        const result = RecentRead.get(example.state, example.userId, example.now, example.params)
        assert.strictEqual(JSON.stringify(result), JSON.stringify(fixture(`im.recent.get.${language}.json`).result))
      })
    )

    it.effect(`im.recent.list (${language}) answers exactly the documented result and total`, () =>
      Effect.sync(() => {
        const example = ExamplePortal.recentList(language)
        const { next, total, ...result } = RecentRead.list(example.state, example.userId, example.now, example.params)
        const documented = fixture(`im.recent.list.${language}.json`)
        assert.strictEqual(JSON.stringify(result), JSON.stringify(documented.result))
        assert.strictEqual(total, documented.total)
        assert.strictEqual(next, undefined)
      })
    )

    it.effect(`im.counters.get (${language}) answers exactly the documented result`, () =>
      Effect.sync(() => {
        const example = ExamplePortal.countersGet(language)
        const result = DialogRead.counters(example.state, example.userId)
        assert.strictEqual(JSON.stringify(result), JSON.stringify(fixture(`im.counters.get.${language}.json`).result))
      })
    )

    it.effect(`im.dialog.get (${language}) answers exactly the documented result`, () =>
      Effect.gen(function* () {
        const example = ExamplePortal.dialogGet(language)
        const result = yield* DialogRead.get(example.state, example.userId, example.now, example.params)
        assert.strictEqual(JSON.stringify(result), JSON.stringify(fixture(`im.dialog.get.${language}.json`).result))
      })
    )

    it.effect(`the example state (${language}) survives a JSON round trip`, () =>
      Effect.gen(function* () {
        const { state } = ExamplePortal.recentGet(language)
        const text = yield* PortalState.toJson(state)
        const back = yield* PortalState.fromJson(text)
        assert.strictEqual(yield* PortalState.toJson(back), text)
      })
    )
  }

  it.effect("the documented results decode with the domain's response schemas, every field known", () =>
    Effect.sync(() => {
      for (const language of ["ru", "en"] as const) {
        const get = ExamplePortal.recentGet(language)
        const getResult = RecentRead.get(get.state, get.userId, get.now, get.params)
        const decodedGet = Schema.decodeUnknownEither(RecentGet.Response, { onExcessProperty: "error" })({
          result: getResult,
          time: fixture(`im.recent.get.${language}.json`).time
        })
        assert.isTrue(Either.isRight(decodedGet))
        const list = ExamplePortal.recentList(language)
        const { next: _, total, ...listResult } = RecentRead.list(list.state, list.userId, list.now, list.params)
        const decodedList = Schema.decodeUnknownEither(RecentList.Response, { onExcessProperty: "error" })({
          result: listResult,
          total,
          time: fixture(`im.recent.list.${language}.json`).time
        })
        assert.isTrue(Either.isRight(decodedList))
      }
    })
  )

  it.effect("without the sync date the same portal also shows the dialog, the green chat and the open line", () =>
    Effect.sync(() => {
      const example = ExamplePortal.recentGet("en")
      const result = RecentRead.get(example.state, example.userId, example.now, {})
      assert.deepStrictEqual(
        result.map((item) => item.id),
        ["chat1451", "chat1449", 547, "chat1317", "chat1299"]
      )
    })
  )
})
