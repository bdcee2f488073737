/**
 * An OAuth client of a portal's application as a worker uses it: `Bitrix24` with its own token store, no retries,
 * over `FetchHttpClient` (provide an in-process `fetch` as `FetchHttpClient.Fetch` to the calls), and one REST call.
 * No emulator import here: worker processes load this module.
 */
import { FetchHttpClient } from "@effect/platform"
import { Bitrix24, OperatingBudget, RequestThrottle, RetrySchedule, type TokenStore } from "@im-recent/client"
import { Effect, Layer, Redacted, Schema } from "effect"

export interface Application {
  readonly publicUrl: string
  readonly clientId: string
  readonly clientSecret: string
  readonly userId: number
}

export const client = (
  application: Application,
  store: Layer.Layer<TokenStore.TokenStore, unknown>,
  tokens?: TokenStore.Tokens
) =>
  Bitrix24.layerOAuth(
    {
      portalUrl: application.publicUrl,
      oauthServerUrl: application.publicUrl,
      clientId: application.clientId,
      clientSecret: Redacted.make(application.clientSecret),
      userId: application.userId,
      tokens
    },
    { retry: RetrySchedule.none }
  ).pipe(
    Layer.provide(store),
    Layer.provide(Layer.mergeAll(FetchHttpClient.layer, RequestThrottle.layerIsolated, OperatingBudget.layerIsolated)),
    Layer.orDie
  )

/** One REST call (the caller's recent list): what a worker does with its access token. */
export const callPortal = Effect.flatMap(Bitrix24.Bitrix24, (bitrix) =>
  bitrix.call("im.recent.get", {}, Schema.Struct({ result: Schema.Unknown }))
)
