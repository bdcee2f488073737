/**
 * The clients the benchmarks compare, each making the same `im.recent.get` call (no parameters, JSON body `{}`) to a
 * webhook URL, with their own rate limiting and retries out of the way.
 *
 * @since 0.1.0
 */

import { B24Hook } from "@bitrix24/b24jssdk"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Bitrix24, type Bitrix24Error, ImRecent, RequestThrottle, RetrySchedule } from "@im-recent/client"
import type { RateLimit } from "@im-recent/domain"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"

/**
 * `count` calls in a row; resolves with the number of items of the last one.
 *
 * @since 0.1.0
 * @category models
 */
export type Calls = (count: number) => Promise<number>

/**
 * A client and its disposal.
 *
 * @since 0.1.0
 * @category models
 */
export interface Client {
  readonly calls: Calls
  readonly dispose: () => Promise<void>
}

/**
 * `fetch` and `JSON.parse`, nothing else: the floor of any client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const raw = (webhookUrl: string): Client => ({
  calls: async (count) => {
    let items = 0
    for (let i = 0; i < count; i++) {
      const response = await fetch(`${webhookUrl}im.recent.get`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: "{}"
      })
      const body = JSON.parse(await response.text()) as { readonly result: ReadonlyArray<unknown> }
      items = body.result.length
    }
    return items
  },
  dispose: async () => {}
})

/**
 * A rate limit that never makes a call wait (the bucket's bookkeeping still runs).
 *
 * @since 0.1.0
 * @category constants
 */
export const unlimited: RateLimit.Settings = { burst: Number.MAX_SAFE_INTEGER, drainPerSecond: 1e9 }

/**
 * `ImRecent` on a webhook over `FetchHttpClient`, with its own bucket (`rateLimit`) and no retries.
 *
 * @since 0.1.0
 * @category layers
 */
export const oursLayer = (
  webhookUrl: string,
  rateLimit: RateLimit.Settings = unlimited,
  transport: Transport = "fetch"
): Layer.Layer<ImRecent.ImRecent, Bitrix24Error.InvalidEndpoint> =>
  ImRecent.layer.pipe(
    Layer.provide(Bitrix24.layerWebhook(Redacted.make(webhookUrl), { rateLimit, retry: RetrySchedule.none })),
    Layer.provide(transports[transport]),
    Layer.provide(RequestThrottle.layerIsolated)
  )

/**
 * The `HttpClient` under this project's client: `fetch` (`FetchHttpClient`, the same `fetch` as {@link raw}),
 * undici's dispatcher (`NodeHttpClient.layerUndici`) or `node:http` (`NodeHttpClient.layer`).
 *
 * @since 0.1.0
 * @category models
 */
export type Transport = "fetch" | "undici" | "node"

const transports: Record<Transport, Layer.Layer<HttpClient.HttpClient>> = {
  fetch: FetchHttpClient.layer,
  undici: NodeHttpClient.layerUndici,
  node: NodeHttpClient.layer
}

/**
 * This project's client: `ImRecent.get` over `FetchHttpClient` (the same `fetch` as {@link raw}), validating and
 * decoding the response into `RecentItem` values; `rateLimit` as given, no retries.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ours = (
  webhookUrl: string,
  rateLimit: RateLimit.Settings = unlimited,
  transport: Transport = "fetch"
): Client => {
  const runtime = ManagedRuntime.make(oursLayer(webhookUrl, rateLimit, transport))
  return {
    calls: (count) =>
      runtime.runPromise(
        Effect.flatMap(ImRecent.ImRecent, (recent) =>
          Effect.map(Effect.replicateEffect(recent.get(), count), (results) => results[count - 1]!.items.length)
        )
      ),
    dispose: () => runtime.dispose()
  }
}

/**
 * {@link ours} over undici's dispatcher (`NodeHttpClient.layerUndici`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const oursUndici = (webhookUrl: string): Client => ours(webhookUrl, unlimited, "undici")

/**
 * {@link ours} over `node:http` (`NodeHttpClient.layer`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const oursNode = (webhookUrl: string): Client => ours(webhookUrl, unlimited, "node")

/**
 * The official JS SDK (`@bitrix24/b24jssdk`), built from the webhook URL with `B24Hook.fromWebhookUrl`: its rate
 * limiter, adaptive delays and operating-limit pauses switched off and one attempt per call (no retries).
 * `actions.v2.call.make` is what the deprecated `callMethod` delegates to, without its deprecation warning on
 * every call.
 *
 * @since 0.1.0
 * @category constructors
 */
export const sdk = (webhookUrl: string): Client => {
  const b24 = B24Hook.fromWebhookUrl(webhookUrl, {
    restrictionParams: {
      rateLimit: { burstLimit: Number.MAX_SAFE_INTEGER, drainRate: 1e9, adaptiveEnabled: false },
      operatingLimit: { windowMs: 600_000, limitMs: Number.MAX_SAFE_INTEGER, heavyPercent: 100 },
      adaptiveConfig: { enabled: false, thresholdPercent: 100, coefficient: 0, maxDelay: 0 },
      maxRetries: 1,
      retryDelay: 0,
      retryOnNetworkError: false
    }
  })
  b24.offClientSideWarning()
  return {
    calls: async (count) => {
      let items = 0
      for (let i = 0; i < count; i++) {
        const result = await b24.actions.v2.call.make<ReadonlyArray<unknown>>({ method: "im.recent.get", params: {} })
        if (!result.isSuccess) throw new Error(`b24jssdk: ${result.getErrorMessages().join("; ")}`)
        items = result.getData()!.result.length
      }
      return items
    },
    dispose: async () => {}
  }
}
