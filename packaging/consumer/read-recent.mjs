// A plain Node ESM program (no TypeScript, no loader): reads the recent list through @im-recent/client,
// from the portal in BITRIX24_WEBHOOK_URL, and prints one JSON line a test can check.
import { FetchHttpClient } from "@effect/platform"
import { Bitrix24, ImRecent } from "@im-recent/client"
import { AtomDateTime, RecentItem } from "@im-recent/domain"
import { Effect, Layer } from "effect"

const ImRecentLive = ImRecent.layer.pipe(Layer.provide(Bitrix24.layerConfig()), Layer.provide(FetchHttpClient.layer))

const program = Effect.gen(function* () {
  const recent = yield* ImRecent.ImRecent
  const { items, time } = yield* recent.get({ SKIP_OPENLINES: true })
  return {
    count: items.length,
    titles: items.slice(0, 3).map(RecentItem.title),
    dateStart: AtomDateTime.format(time.date_start)
  }
})

const summary = await Effect.runPromise(program.pipe(Effect.provide(ImRecentLive)))
console.log(JSON.stringify(summary))
