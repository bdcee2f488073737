/**
 * Example 2: keep a local copy of the recent list current with `RecentSync`, printing what changes.
 *
 * The first step loads the list in full; every later step asks only for what changed since the previous response
 * (`LAST_SYNC_DATE` = its `time.date_start`) and merges it in the server's order. Full reloads happen on their own
 * when a delta could miss something (hidden dialogs, sync dates past the server's 7-day clamp, every hour).
 *
 * It keeps going when a step fails with something time can fix (the network, the portal restarting, its rate limit):
 * `changesRetrying` tries the step again after a back-off and says so on stderr. Refused credentials end it.
 *
 * Configuration from the environment: the portal as in `list-recent.ts`, plus `SYNC_INTERVAL` (a duration, default
 * `30 seconds`) and `SYNC_STEPS` (stop after that many steps; default: run until Ctrl-C).
 *
 *   BITRIX24_WEBHOOK_URL=<webhook url> SYNC_INTERVAL="5 seconds" pnpm tsx examples/src/delta-sync.ts
 *
 * Against the emulator, post a message to the webhook's user from another user's webhook and watch it arrive:
 *
 *   curl -s "<webhooks[1].url>im.message.add" -d DIALOG_ID=1 -d MESSAGE=Hello
 */
import { FetchHttpClient } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Bitrix24, ImRecent, RecentSync } from "@im-recent/client"
import { RecentItem } from "@im-recent/domain"
import { Config, Console, Duration, Effect, Layer, Option, Stream } from "effect"

const settings = Config.all({
  interval: Config.duration("SYNC_INTERVAL").pipe(Config.withDefault("30 seconds")),
  steps: Config.option(Config.integer("SYNC_STEPS"))
})

// One line per sync step, then one per item that appeared or changed.
const report = (change: RecentSync.Change) =>
  Effect.gen(function* () {
    const { items } = change.snapshot
    yield* Console.log(
      `${change.kind} sync (${change.reason}): ${items.length} chats, ` +
        `${change.added.length} new, ${change.updated.length} changed, ${change.removed.length} removed`
    )
    if (change.reason === "initial") return
    for (const id of [...change.added, ...change.updated]) {
      const item = items.find((candidate) => candidate.id === id)
      if (item === undefined) continue
      yield* Console.log(
        `  ${RecentItem.title(item)}: ${JSON.stringify(item.message.text)} (${item.counter ?? 0} unread)`
      )
    }
  })

const program = Effect.gen(function* () {
  const { steps } = yield* settings
  const sync = yield* RecentSync.RecentSync
  // A step now, then one every `interval`; steps never overlap. A failed step is tried again after the interval, then
  // twice as long each time (at most 5 minutes), when `Bitrix24Error.isRetryableLater` says time can fix it.
  const all = sync.changesRetrying({
    onRetry: ({ attempt, delay, error }) =>
      Console.error(`sync failed (${attempt}), trying again in ${Duration.format(delay)}: ${error.message}`)
  })
  const changes = Option.match(steps, { onNone: () => all, onSome: (n) => Stream.take(all, n) })
  yield* Stream.runForEach(changes, report)
})

// RecentSync keeps its snapshot in memory here; `RecentSync.layer` with your own `SnapshotStore` persists it.
const MainLive = Layer.unwrapEffect(
  Effect.map(settings, ({ interval }) => RecentSync.layerMemory({ interval, params: { SKIP_OPENLINES: true } }))
).pipe(Layer.provide(ImRecent.layer), Layer.provide(Bitrix24.layerConfig()), Layer.provide(FetchHttpClient.layer))

program.pipe(
  Effect.provide(MainLive),
  Effect.tapError((error) => Console.error(error.message)),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
