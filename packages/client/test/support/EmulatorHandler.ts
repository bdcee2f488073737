/**
 * The emulator built in the test's context (so on its clock) and served through its web handler as the `fetch` of
 * `FetchHttpClient`: no socket, no msw.
 */
import { FetchHttpClient } from "@effect/platform"
import * as HttpApp from "@effect/platform/HttpApp"
import { Bitrix24, OperatingBudget, RequestThrottle, RetrySchedule } from "@im-recent/client"
import { Emulator, type PortalState } from "@im-recent/emulator"
import { Effect, Layer, Redacted } from "effect"

type Json = Record<string, unknown>

export interface EmulatorHandler {
  readonly publicUrl: string
  readonly state: PortalState.PortalState
  /** A raw REST call as `userId`, answered by the emulator: the parsed body. */
  readonly call: (userId: number, method: string, params: Json) => Effect.Effect<Json>
  /** The `Bitrix24` transport of `userId` over the web handler (no retries, its own rate-limit bucket). */
  readonly transport: (userId: number) => Layer.Layer<Bitrix24.Bitrix24>
}

export const make = (state: PortalState.PortalState, startAt: string) =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ state, startAt, rateLimit: false, operatingLimit: false })
    const handler = HttpApp.toWebHandlerRuntime(yield* Effect.runtime<never>())(emulator.app)
    const codeOf = (userId: number) => {
      const hook = state.webhooks.find((w) => w.userId === userId && w.scopes.includes("im"))
      if (hook === undefined) throw new Error(`user ${userId} has no im webhook`)
      return hook.code
    }
    const call = (userId: number, method: string, params: Json) =>
      Effect.promise(async () => {
        const response = await handler(
          new Request(`${emulator.publicUrl}/rest/${userId}/${codeOf(userId)}/${method}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(params)
          })
        )
        return (await response.json()) as Json
      })
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
      handler(new Request(input, init))) as typeof globalThis.fetch
    const transport = (userId: number) =>
      Bitrix24.layerWebhook(Redacted.make(`${emulator.publicUrl}/rest/${userId}/${codeOf(userId)}/`), {
        retry: RetrySchedule.none
      }).pipe(
        Layer.orDie,
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(
          Layer.mergeAll(
            Layer.succeed(FetchHttpClient.Fetch, fetch),
            RequestThrottle.layerIsolated,
            OperatingBudget.layerIsolated
          )
        )
      )
    return { publicUrl: emulator.publicUrl, state, call, transport } satisfies EmulatorHandler
  })
