/**
 * Decodes the `im.recent.get` response from the official docs and prints it as a table.
 *
 * Run: pnpm tsx examples/src/documented-response.ts
 */

import { readFile } from "node:fs/promises"
import { AtomDateTime, RecentGet, RecentItem } from "@im-recent/domain"
import { Console, Effect, Schema } from "effect"

const fixture = new URL("../../contracts/fixtures/im.recent.get.en.json", import.meta.url)

const program = Effect.gen(function* () {
  const text = yield* Effect.promise(() => readFile(fixture, "utf8"))
  const response = yield* Schema.decodeUnknown(Schema.parseJson(RecentGet.Response))(text)
  yield* Console.log(`im.recent.get, as documented (${response.result.length} items):`)
  yield* Console.table(
    response.result.map((item) => ({
      id: item.id,
      type: item.type,
      title: RecentItem.title(item),
      "last message": item.message.text,
      at: AtomDateTime.format(item.message.date),
      unread: item.counter ?? 0
    }))
  )
  yield* Console.log(`server time: ${AtomDateTime.format(response.time.date_start)}`)
})

Effect.runPromise(program).catch((error) => {
  console.error(String(error))
  process.exitCode = 1
})
