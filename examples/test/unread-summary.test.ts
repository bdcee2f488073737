/**
 * Example 4, the test side: testing your own app (`src/unread-summary.ts`) with the contracts' msw handlers and
 * the real client over `FetchHttpClient` (msw intercepts `fetch`).
 *
 * - `Replay.handlers` answers exactly what the Bitrix24 docs document;
 * - `Replay.error` switches on a documented failure (`INVALID_CREDENTIALS`, `QUERY_LIMIT_EXCEEDED`, …);
 * - `Stateful.make` puts the emulator behind msw: a portal with people, chats and rules, that changes when
 *   someone posts.
 *
 * Every test talks to its own host, so the tests can run concurrently on one msw server.
 */
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, ImRecent } from "@im-recent/client"
import { Replay, Stateful } from "@im-recent/contracts"
import { Effect, Fiber, Layer, Option, Redacted, TestClock } from "effect"
import { setupServer } from "msw/node"
import { afterAll, beforeAll } from "vitest"
import { unreadBadge, unreadSummary } from "../src/unread-summary.js"

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: "error" }))
afterAll(() => server.close())

/** The app's layer, pointed at a webhook: the same wiring as in production, only the URL differs. */
const appLayer = (webhookUrl: string) =>
  ImRecent.layer.pipe(
    Layer.provide(Bitrix24.layerWebhook(Redacted.make(webhookUrl))),
    Layer.provide(FetchHttpClient.layer)
  )

/** A portal that answers with the documented examples, on a host of its own. */
const documentedPortal = (name: string) => {
  const baseUrl = `https://${name}.bitrix24.test`
  server.use(...Replay.handlers({ baseUrl, language: "en" }))
  return { baseUrl, webhook: `${baseUrl}/rest/1/0123456789abcdef/` }
}

/**
 * Runs `effect` while moving the TestClock on, so that retry back-offs and the rate limiter's waits pass at once.
 * Between two steps the event loop gets a turn: the requests themselves are real (msw answers them).
 */
const withTimePassing = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(effect)
    while (Option.isNone(yield* Fiber.poll(fiber))) {
      yield* Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))
      yield* TestClock.adjust("100 millis")
    }
    return yield* Fiber.join(fiber)
  })

describe("unread badge", () => {
  it.effect("reads the documented response: nothing unread", () =>
    Effect.gen(function* () {
      const portal = documentedPortal("documented")
      const summary = yield* unreadSummary.pipe(Effect.provide(appLayer(portal.webhook)))
      assert.deepStrictEqual(summary, { messages: 0, chats: [] })
      assert.strictEqual(yield* unreadBadge.pipe(Effect.provide(appLayer(portal.webhook))), "All read")
    })
  )

  it.effect("asks to reconnect when the portal refuses the webhook", () =>
    Effect.gen(function* () {
      const portal = documentedPortal("refused")
      server.use(Replay.error("INVALID_CREDENTIALS", { baseUrl: portal.baseUrl }))
      assert.strictEqual(yield* unreadBadge.pipe(Effect.provide(appLayer(portal.webhook))), "Reconnect Bitrix24")
    })
  )

  it.effect("a manual block of the REST API is not retried", () =>
    Effect.gen(function* () {
      const portal = documentedPortal("blocked")
      server.use(Replay.error("OVERLOAD_LIMIT", { baseUrl: portal.baseUrl }))
      assert.strictEqual(yield* unreadBadge.pipe(Effect.provide(appLayer(portal.webhook))), "Bitrix24 is unavailable")
    })
  )

  it.effect("rides out a rate-limit answer: the client waits and sends again", () =>
    Effect.gen(function* () {
      const portal = documentedPortal("busy")
      server.use(Replay.error("QUERY_LIMIT_EXCEEDED", { baseUrl: portal.baseUrl, once: true }))
      const badge = yield* withTimePassing(unreadBadge.pipe(Effect.provide(appLayer(portal.webhook))))
      assert.strictEqual(badge, "All read")
    })
  )

  it.effect("counts a message a colleague just sent (the emulator behind msw)", () =>
    Effect.gen(function* () {
      const portal = Stateful.make({
        baseUrl: "https://stateful.bitrix24.test",
        generator: { seed: 3, users: 8, chats: 3, locale: "en" }
      })
      server.use(...portal.handlers)
      yield* Effect.addFinalizer(() => Effect.promise(() => portal.dispose()))
      const webhookOf = (userId: number) =>
        portal.webhooks.find((hook) => hook.userId === userId && hook.scopes.includes("im"))
      const me = webhookOf(1)!
      const colleague = portal.state.users.find(
        (user) => user.id !== 1 && user.active && !user.bot && webhookOf(user.id) !== undefined
      )!
      const app = appLayer(me.url)

      const before = yield* unreadSummary.pipe(Effect.provide(app))
      // The colleague writes to user 1 through the portal's own REST method, with their own webhook.
      const sent = yield* Effect.promise(() =>
        fetch(`${webhookOf(colleague.id)!.url}im.message.add`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ DIALOG_ID: 1, MESSAGE: "Lunch in 10 minutes?" })
        }).then((response) => response.json())
      )
      assert.isNumber(sent.result)
      const after = yield* unreadSummary.pipe(Effect.provide(app))
      assert.strictEqual(after.messages, before.messages + 1)
      assert.include(
        after.chats.map((chat) => chat.title),
        `${colleague.firstName} ${colleague.lastName}`
      )
    }).pipe(Effect.scoped)
  )
})
