/**
 * The client against the emulator with a method name longer than 100 characters (the router's old segment limit):
 * the portal's 404 `ERROR_METHOD_NOT_FOUND`, which the client does not retry. Before the emulator answered it, the
 * router's `RouteNotFound` was a 500, which the client retried (six requests for one idempotent call).
 */
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, OperatingBudget, RequestThrottle } from "@im-recent/client"
import { Emulator, Generator } from "@im-recent/emulator"
import { DateTime, Effect, Fiber, Layer, Redacted, Schema, TestClock } from "effect"

describe("a long method name, client and emulator", () => {
  it.scoped("answers MethodNotFound after one request, with the client's default retry schedule", () =>
    Effect.gen(function* () {
      const state = Generator.generate({ ...Generator.defaults(DateTime.unsafeMake(0)), seed: 3, users: 4, chats: 2 })
      const emulator = yield* Effect.acquireRelease(
        Effect.sync(() => Emulator.webHandler({ state, rateLimit: false })),
        (handler) => Effect.promise(() => handler.dispose())
      )
      let requests = 0
      const counted: typeof globalThis.fetch = (input, init) => {
        requests++
        return emulator.handler(input, init)
      }
      const hook = state.webhooks.find((webhook) => webhook.userId === 1 && webhook.scopes.includes("im"))!
      const bitrix = Bitrix24.layerWebhook(Redacted.make(`${state.portal.publicUrl}/rest/1/${hook.code}/`)).pipe(
        Layer.provide(
          Layer.mergeAll(
            FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, counted))),
            RequestThrottle.layerIsolated,
            OperatingBudget.layerIsolated
          )
        )
      )
      const fiber = yield* Effect.flatMap(Bitrix24.Bitrix24, (client) =>
        client.call(`im.${"m".repeat(101)}`, {}, Schema.Unknown)
      ).pipe(Effect.provide(bitrix), Effect.flip, Effect.fork)
      yield* TestClock.adjust("1 hour")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "MethodNotFound", String(error))
      assert.strictEqual(requests, 1)
    })
  )
})
