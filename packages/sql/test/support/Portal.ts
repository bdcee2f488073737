/**
 * An emulated portal in the test's own runtime (its clock: the TestClock inside `it.effect`), the client stack of one
 * of its users over the emulator's app as `fetch`, and the writes that change recent lists (posts, pins, hides,
 * leaving a chat), called as the emulator's methods directly.
 */
import { FetchHttpClient, HttpApp } from "@effect/platform"
import { Bitrix24, ImRecent, OperatingBudget, RequestThrottle, RetrySchedule } from "@im-recent/client"
import type { RecentItem } from "@im-recent/domain"
import { Emulator, Generator, type PortalState } from "@im-recent/emulator"
import { DateTime, Effect, Layer, Redacted } from "effect"

export const START = Date.parse("2026-03-02T12:00:00Z")

export interface TestPortal {
  readonly emulator: Emulator.Service
  readonly state: PortalState.PortalState
  /** ImRecent as `userId`, over their webhook. */
  readonly client: (userId: number) => Layer.Layer<ImRecent.ImRecent>
  /** Calls a REST method as `userId`; refusals (a channel only managers post in, …) change nothing and are ignored. */
  readonly write: (userId: number, method: string, params: Record<string, unknown>) => Effect.Effect<void>
  /** The raw JSON items of a full `im.recent.get` by `userId`, as the server sent them. */
  readonly rawItems: (userId: number) => Effect.Effect<ReadonlyArray<unknown>>
  /** The decoded items of a full `im.recent.get` by `userId`. */
  readonly fullRead: (userId: number) => Effect.Effect<ReadonlyArray<RecentItem.RecentItem>>
  /** The active users with a webhook with the `im` scope. */
  readonly users: ReadonlyArray<number>
}

export const make = (options?: Partial<Generator.Options>) =>
  Effect.gen(function* () {
    const state = Generator.generate({
      ...Generator.defaults(DateTime.unsafeMake(START)),
      users: 6,
      chats: 5,
      messages: { perChat: 3 },
      locale: "en",
      ...options
    })
    const emulator = yield* Emulator.make({ state, startAt: START, rateLimit: false, operatingLimit: false }).pipe(
      Effect.orDie
    )
    const runtime = yield* Effect.runtime<never>()
    const handler = HttpApp.toWebHandlerRuntime(runtime)(emulator.app)
    const fetch: typeof globalThis.fetch = (input, init) =>
      handler(input instanceof Request && init === undefined ? input : new Request(input, init))
    const hookOf = (userId: number) => {
      const hook = state.webhooks.find((h) => h.userId === userId && h.scopes.includes("im"))
      if (hook === undefined) throw new Error(`user ${userId} has no webhook with the im scope`)
      return `${emulator.publicUrl}/rest/${userId}/${hook.code}/`
    }
    const client = (userId: number): Layer.Layer<ImRecent.ImRecent> =>
      ImRecent.layer.pipe(
        Layer.provide(
          Bitrix24.layerWebhook(Redacted.make(hookOf(userId)), {
            rateLimit: { burst: 1_000_000, drainPerSecond: 1_000_000 },
            retry: RetrySchedule.none
          }).pipe(Layer.orDie)
        ),
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch)),
        Layer.provide(Layer.mergeAll(RequestThrottle.layerIsolated, OperatingBudget.layerIsolated))
      )
    const write = (userId: number, method: string, params: Record<string, unknown>) =>
      Effect.gen(function* () {
        const now = yield* DateTime.now
        yield* Effect.either(
          emulator.portal.methods.get(method)!.handler({ userId, now, state: emulator.portal.state }, params)
        )
      })
    const rawItems = (userId: number) =>
      Effect.promise(async () => {
        const response = await fetch(`${hookOf(userId)}im.recent.get`)
        return ((await response.json()) as { result: ReadonlyArray<unknown> }).result
      })
    const fullRead = (userId: number) =>
      Effect.flatMap(ImRecent.ImRecent, (recent) => recent.get()).pipe(
        Effect.map((result) => result.items),
        Effect.orDie,
        Effect.provide(client(userId))
      )
    const active = new Set(state.users.filter((user) => user.active).map((user) => user.id))
    const users = [
      ...new Set(state.webhooks.filter((h) => h.scopes.includes("im") && active.has(h.userId)).map((h) => h.userId))
    ]
    return { emulator, state, client, write, rawItems, fullRead, users } satisfies TestPortal
  })

/** The chats of `userId` and their members, from the live state. */
export const chatsOf = (state: PortalState.PortalState, userId: number) =>
  state.chats
    .filter((chat) => state.relations.some((r) => r.chatId === chat.id && r.userId === userId))
    .map((chat) => ({
      chat,
      members: state.relations.filter((r) => r.chatId === chat.id).map((r) => r.userId)
    }))

/** The dialog id of a chat as `userId` names it. */
export const dialogIdFor = (
  chat: { readonly chat: PortalState.PortalChat; readonly members: ReadonlyArray<number> },
  userId: number
) => (chat.chat.type === "P" ? String(chat.members.find((m) => m !== userId) ?? userId) : `chat${chat.chat.id}`)
