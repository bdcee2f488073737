// The example of contracts/README.md, kept here verbatim so that it is known to work.
// recent-widget.test.ts — your app code under test: a function that uses ImRecent
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, ImRecent, RetrySchedule } from "@im-recent/client"
import { Replay, Stateful } from "@im-recent/contracts"
import { RecentItem } from "@im-recent/domain"
import { Effect, Layer, Redacted } from "effect"
import { setupServer } from "msw/node"
import { afterAll, beforeAll } from "vitest"

// 1. A portal that behaves like a portal (filters, windows, pin/unread/hide, im.message.add).
const portal = Stateful.make({ baseUrl: "https://my.bitrix24.test", generator: { seed: 1 } })
const webhookUrl = portal.webhooks.find((hook) => hook.scopes.includes("im"))!.url

// 2. Or exactly what the docs promise, plus documented errors on demand.
const docs = "https://docs.bitrix24.test"

const server = setupServer(...portal.handlers, ...Replay.handlers({ baseUrl: docs, language: "en" }))
beforeAll(() => server.listen({ onUnhandledRequest: "error" }))
afterAll(async () => {
  server.close()
  await portal.dispose()
})

const client = (url: string) =>
  ImRecent.layer.pipe(
    Layer.provideMerge(Bitrix24.layerWebhook(Redacted.make(url), { retry: RetrySchedule.none })),
    Layer.provide(FetchHttpClient.layer)
  )

// The app function under test.
const unreadTitles = Effect.gen(function* () {
  const { items } = yield* (yield* ImRecent.ImRecent).get()
  return items.filter((item) => (item.counter ?? 0) > 0).map(RecentItem.title)
})

describe.sequential("my widget", () => {
  it.live("lists unread chats", () =>
    Effect.gen(function* () {
      const titles = yield* unreadTitles
      assert.isArray(titles)
    }).pipe(Effect.provide(client(webhookUrl)))
  )

  it.live("tells the user to reconnect when the token expired", () =>
    Effect.gen(function* () {
      server.use(Replay.error("expired_token", { baseUrl: docs, once: true }))
      const result = yield* Effect.either(unreadTitles)
      assert.isTrue(result._tag === "Left" && result.left._tag === "AuthError")
    }).pipe(Effect.provide(client(`${docs}/rest/1/anycode/`)))
  )
})
