import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, Bitrix24Error, RetrySchedule } from "@im-recent/client"
import { Effect, Fiber, Layer, Redacted, TestClock } from "effect"
import * as Msw from "./support/Msw.js"

/** 1 s, 2 s, 4 s, no jitter: retry times are exact under the TestClock. */
const exactRetry = RetrySchedule.exponential({ base: "1 second", factor: 2, jitter: false, times: 3 })

/** A `fetch` that fails as Node's does when the connection cannot be made (`TypeError` with the system error). */
const unreachable = (code: string) => {
  const calls: Array<string> = []
  const fetch = ((input: RequestInfo | URL) => {
    calls.push(String(input instanceof Request ? input.url : input))
    const cause = Object.assign(new Error(`${code === "ENOTFOUND" ? "getaddrinfo" : "connect"} ${code}`), { code })
    return Promise.reject(new TypeError("fetch failed", { cause }))
  }) as typeof globalThis.fetch
  return { calls, fetch }
}

const transport = (url: string, fetch: typeof globalThis.fetch, retries: Array<RetrySchedule.Retry>) =>
  Bitrix24.layerWebhook(Redacted.make(url), {
    retry: exactRetry,
    onRetry: (retry) => Effect.sync(() => void retries.push(retry))
  }).pipe(Layer.provide(FetchHttpClient.layer), Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch)))

describe("unreachable portals", () => {
  it.effect("an unresolvable host, or a loopback port nothing listens on, fails at once: no retry, no wait", () =>
    Effect.gen(function* () {
      for (const [url, code] of [
        ["http://127.0.0.1:9/rest/1/s3cretc0de/", "ECONNREFUSED"],
        ["http://localhost:9/rest/1/s3cretc0de/", "ECONNREFUSED"],
        ["http://[::1]:9/rest/1/s3cretc0de/", "ECONNREFUSED"],
        ["https://no-such-portal.invalid/rest/1/s3cretc0de/", "ENOTFOUND"]
      ] as const) {
        const { calls, fetch } = unreachable(code)
        const retries: Array<RetrySchedule.Retry> = []
        // the TestClock never moves here: a retry would wait forever
        const error = yield* Effect.flip(Msw.callGet().pipe(Effect.provide(transport(url, fetch, retries))))
        assert.strictEqual(calls.length, 1, url)
        assert.deepStrictEqual(retries, [], url)
        assert.instanceOf(error, Bitrix24Error.NetworkError)
        const network = error as Bitrix24Error.NetworkError
        assert.strictEqual(network.code, code)
        assert.isFalse(network.retryable)
        assert.isFalse(Bitrix24Error.isRetryable(network))
        assert.include(network.message, ": not retried)")
        assert.notInclude(network.message, "s3cretc0de")
      }
    })
  )

  it.effect("a remote host refusing the connection is retried on the schedule, and onRetry hears of each retry", () =>
    Effect.gen(function* () {
      const { calls, fetch } = unreachable("ECONNREFUSED")
      const retries: Array<RetrySchedule.Retry> = []
      const fiber = yield* Effect.fork(
        Msw.callGet().pipe(Effect.provide(transport("https://portal.example.com/rest/1/s3cretc0de/", fetch, retries)))
      )
      for (const [at, step] of [
        [1000, "1 second"],
        [3000, "2 seconds"],
        [7000, "4 seconds"]
      ] as const) {
        yield* Msw.awaitSleep(at)
        yield* TestClock.adjust(step)
      }
      const error = yield* Effect.flip(Fiber.join(fiber))
      assert.strictEqual(calls.length, 4)
      assert.deepStrictEqual(
        retries.map((retry) => [retry.method, retry.attempt, retry.error._tag]),
        [
          ["im.recent.get", 1, "NetworkError"],
          ["im.recent.get", 2, "NetworkError"],
          ["im.recent.get", 3, "NetworkError"]
        ]
      )
      assert.isTrue(error._tag === "NetworkError" && error.retryable && error.loopback === false)
      assert.notInclude(error.message, "not retried")
    })
  )

  it.effect("onRetry is not called for errors that are not retried, nor after the last attempt", () =>
    Effect.gen(function* () {
      const retries: Array<RetrySchedule.Retry> = []
      const refusing = (() => Promise.resolve(Msw.envelope(401, "INVALID_CREDENTIALS"))) as typeof globalThis.fetch
      const error = yield* Effect.flip(
        Msw.callGet().pipe(Effect.provide(transport("https://portal.example.com/rest/1/c0de/", refusing, retries)))
      )
      assert.strictEqual(error._tag, "AuthError")
      assert.deepStrictEqual(retries, [])
    })
  )
})
