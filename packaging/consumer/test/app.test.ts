// A user's test file: the app code runs against the contract kit's msw handlers (the documented
// responses, and documented errors on demand), with the real client over FetchHttpClient.
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, ImRecent, RetrySchedule } from "@im-recent/client"
import { Replay } from "@im-recent/contracts"
import { Effect, Layer, Redacted } from "effect"
import { setupServer } from "msw/node"
import { afterAll, beforeAll } from "vitest"

const baseUrl = "https://my-company.bitrix24.test"
const server = setupServer(...Replay.handlers({ baseUrl, language: "en" }))
beforeAll(() => server.listen({ onUnhandledRequest: "error" }))
afterAll(() => server.close())

const chatCount = Effect.map(
  Effect.flatMap(ImRecent.ImRecent, (recent) => recent.get()),
  ({ items }) => items.length
)

const AppTest = ImRecent.layer.pipe(
  Layer.provide(
    Bitrix24.layerWebhook(Redacted.make(`${baseUrl}/rest/1/0123456789abcdef/`), { retry: RetrySchedule.none })
  ),
  Layer.provide(FetchHttpClient.layer)
)

describe.sequential("my app against the documented portal", () => {
  it.effect("reads the documented list", () =>
    Effect.gen(function* () {
      assert.isAbove(yield* chatCount, 0)
    }).pipe(Effect.provide(AppTest))
  )

  it.effect("sees a refused webhook as an AuthError", () =>
    Effect.gen(function* () {
      server.use(Replay.error("INVALID_CREDENTIALS", { baseUrl, once: true }))
      const error = yield* Effect.flip(chatCount)
      assert.strictEqual(error._tag, "AuthError")
    }).pipe(Effect.provide(AppTest))
  )
})
