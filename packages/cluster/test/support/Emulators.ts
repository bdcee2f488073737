/**
 * Emulated portals for the cluster's tests: each an `Emulator` on its own loopback port, generated from its own seed,
 * built in the test's context; its `im` webhooks, and a user's client to post messages with.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Bitrix24, ImRecent, OperatingBudget, RequestThrottle, RetrySchedule } from "@im-recent/client"
import { Emulator, NodeServer } from "@im-recent/emulator"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"

export interface Portal {
  readonly service: Emulator.Service
  /** `{ userId, url }` of every webhook with the `im` scope. */
  readonly webhooks: ReadonlyArray<{ readonly userId: number; readonly url: string }>
}

/** A portal on a free loopback port; `Emulator.Options` as given (a small generated portal by default). */
export const start = (options: Emulator.Options = {}): Effect.Effect<Portal, never, Scope.Scope> =>
  Effect.gen(function* () {
    const context = yield* Layer.build(
      Emulator.layer({ generator: { users: 6, chats: 4, messages: { perChat: 4 } }, ...options }).pipe(
        Layer.provide(NodeHttpServer.layer(() => NodeServer.make(), { port: 0, host: "127.0.0.1" })),
        Layer.orDie
      )
    )
    const service = (yield* Effect.provide(Emulator.Emulator, context)) as Emulator.Service
    const hooks = yield* Emulator.webhookUrls(service)
    // fired employees keep their webhooks, and the portal refuses them
    const state = yield* service.portal.state.get
    const active = new Set(state.users.filter((user) => user.active).map((user) => user.id))
    return {
      service,
      webhooks: hooks
        .filter((hook) => hook.scopes.includes("im") && active.has(hook.userId))
        .map(({ userId, url }) => ({ userId, url }))
    }
  })

/** A client of one webhook, with its own bucket (outside the cluster's), retrying the rate limit. */
export const client = (url: string) =>
  Layer.mergeAll(ImRecent.layer).pipe(
    Layer.provideMerge(Bitrix24.layerWebhook(Redacted.make(url), { retry: RetrySchedule.defaultSchedule })),
    Layer.provide(
      Layer.mergeAll(NodeHttpClient.layerUndici, RequestThrottle.layerIsolated, OperatingBudget.layerIsolated)
    ),
    Layer.orDie
  )

/** `from` posts a message to `to`'s dialog. */
export const post = (url: string, to: number, text: string) =>
  Effect.gen(function* () {
    const bitrix = yield* Bitrix24.Bitrix24
    const answer = yield* bitrix.call(
      "im.message.add",
      { DIALOG_ID: String(to), MESSAGE: text },
      Schema.Struct({ result: Schema.Number }),
      { idempotent: false }
    )
    return answer.result
  }).pipe(Effect.provide(client(url)))

/** A fresh full read of a user's list, as wire JSON in order. */
export const fullRead = (url: string) =>
  Effect.gen(function* () {
    const recent = yield* ImRecent.ImRecent
    return (yield* recent.get()).items
  }).pipe(Effect.provide(client(url)))
