import { FetchHttpClient } from "@effect/platform"
import { assert, describe, layer } from "@effect/vitest"
import { Bitrix24, ImRecent, OperatingBudget, RequestThrottle, RetrySchedule } from "@im-recent/client"
import { Stateful } from "@im-recent/contracts"
import { RecentItem } from "@im-recent/domain"
import { Effect, Either, Layer, Redacted } from "effect"
import { setupServer } from "msw/node"

const baseUrl = "https://stateful.bitrix24.test"

const portal = Stateful.make({ baseUrl, generator: { seed: 5, users: 25, chats: 20 }, rateLimit: false })
const flaky = Stateful.make({
  baseUrl: "https://flaky.bitrix24.test",
  generator: { seed: 5 },
  rateLimit: false,
  faults: { dropConnection: { every: 1 } }
})

const mswLayer = Layer.scopedDiscard(
  Effect.acquireRelease(
    Effect.sync(() => {
      const server = setupServer(...portal.handlers, ...flaky.handlers)
      server.listen({ onUnhandledRequest: "error" })
      return server
    }),
    (server) =>
      Effect.promise(async () => {
        server.close()
        await portal.dispose()
        await flaky.dispose()
      })
  )
)

const clientFor = (webhookUrl: string) =>
  ImRecent.layer.pipe(
    Layer.provideMerge(Bitrix24.layerWebhook(Redacted.make(webhookUrl), { retry: RetrySchedule.none })),
    Layer.provide(Layer.mergeAll(FetchHttpClient.layer, RequestThrottle.layerIsolated, OperatingBudget.layerIsolated))
  )

const webhook = portal.webhooks.find((hook) => hook.scopes.includes("im"))!

describe.sequential("Stateful: msw handlers backed by the emulator", () => {
  layer(Layer.merge(clientFor(webhook.url), mswLayer), { excludeTestServices: true })((it) => {
    it.effect("filters behave like a portal", () =>
      Effect.gen(function* () {
        const recent = yield* ImRecent.ImRecent
        const all = (yield* recent.get()).items
        const chats = (yield* recent.get({ SKIP_DIALOG: true })).items
        assert.isAbove(all.length, chats.length)
        assert.isTrue(chats.every(RecentItem.isChat))
        assert.deepStrictEqual(
          chats.map((item) => item.id),
          all.filter(RecentItem.isChat).map((item) => item.id)
        )
      })
    )

    it.effect("a mutation shows up in the next delta, and only changed rows do", () =>
      Effect.gen(function* () {
        const recent = yield* ImRecent.ImRecent
        const first = yield* recent.get()
        const target = first.items.find((item) => !item.pinned)!
        yield* recent.pin(RecentItem.dialogId(target), true)
        const delta = yield* recent.get({ LAST_SYNC_DATE: first.nextSyncDate })
        const pinned = delta.items.find((item) => item.id === target.id)
        assert.isTrue(pinned?.pinned)
        // Only rows changed since the sync date (whole seconds: the server's SQL has no fractions).
        const since = Math.floor(first.nextSyncDate.epochMillis / 1000)
        for (const item of delta.items) assert.isAtLeast(Math.floor(item.date_update.epochMillis / 1000), since)
        assert.isBelow(delta.items.length, first.items.length)
      })
    )

    it.effect("the state it started from is the one it serves", () =>
      Effect.gen(function* () {
        const recent = yield* ImRecent.ImRecent
        const { items } = yield* recent.get()
        assert.isTrue(items.length > 0)
        assert.strictEqual(portal.state.portal.publicUrl, baseUrl)
      })
    )
  })

  layer(Layer.merge(clientFor(flaky.webhooks[0]!.url), mswLayer), { excludeTestServices: true })((it) => {
    it.effect("a dropped connection reaches the client as a NetworkError", () =>
      Effect.gen(function* () {
        const recent = yield* ImRecent.ImRecent
        const result = yield* Effect.either(recent.get())
        assert.isTrue(Either.isLeft(result))
        if (Either.isLeft(result)) assert.strictEqual(result.left._tag, "NetworkError")
      })
    )
  })
})
