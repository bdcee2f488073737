/**
 * Example 1: list the recent chats of the user behind a webhook, with a few fields of each.
 *
 * The portal comes from the environment, as in a real app: `BITRIX24_WEBHOOK_URL`, or the OAuth variables
 * (`BITRIX24_PORTAL_URL`, `BITRIX24_CLIENT_ID`, `BITRIX24_CLIENT_SECRET`, `BITRIX24_ACCESS_TOKEN`,
 * `BITRIX24_REFRESH_TOKEN`). To try it without a portal, start the emulator and use one of its webhooks:
 *
 *   pnpm im-recent emulator --locale en          # first line: {"baseUrl": …, "webhooks": [{"url": …}, …]}
 *   BITRIX24_WEBHOOK_URL=<webhooks[0].url> pnpm tsx examples/src/list-recent.ts
 */
import { FetchHttpClient } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Bitrix24, ImRecent } from "@im-recent/client"
import { AtomDateTime, RecentItem } from "@im-recent/domain"
import { Console, Effect, Layer } from "effect"

const program = Effect.gen(function* () {
  const recent = yield* ImRecent.ImRecent

  // Parameters are typed: booleans and DateTime values, encoded for the wire by the client
  // (SKIP_OPENLINES: "Y"; dates as ATOM with a numeric offset, never "Z").
  const { items, time } = yield* recent.get({ SKIP_OPENLINES: true })

  for (const item of items) {
    const pinned = item.pinned ? "[pinned] " : ""
    const unread = item.counter ?? 0
    // Dates keep the portal's offset: AtomDateTime.format writes them back exactly as the portal sent them.
    yield* Console.log(
      `${pinned}${RecentItem.title(item)} (${item.type}): ${JSON.stringify(item.message.text)}` +
        ` at ${AtomDateTime.format(item.message.date)}, ${unread} unread`
    )
  }
  yield* Console.log(`${items.length} chats; portal time ${AtomDateTime.format(time.date_start)}`)
})

// The wiring: ImRecent over the Bitrix24 transport (configured from the environment) over fetch.
// The transport brings the portal's rate limit, retries, timeouts and OAuth renewal.
const MainLive = ImRecent.layer.pipe(Layer.provide(Bitrix24.layerConfig()), Layer.provide(FetchHttpClient.layer))

program.pipe(
  // Errors are typed: match the ones your app has an answer to. Their messages never contain the webhook code.
  Effect.catchTags({
    AuthError: (error) => Effect.fail(`The portal refused the credentials (${error.reason}): check the webhook`),
    NetworkError: (error) => Effect.fail(`The portal is unreachable: ${error.description}`)
  }),
  Effect.provide(MainLive),
  Effect.tapError((error) => Console.error(typeof error === "string" ? error : error.message)),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
