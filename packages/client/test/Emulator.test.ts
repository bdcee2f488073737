/**
 * The client against the emulator over real loopback HTTP with `NodeHttpClient`: the same server
 * rules on the other side of a socket, and both sides on the test's clock.
 */

import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import {
  Bitrix24,
  type Bitrix24Error,
  ImRecent,
  OperatingBudget,
  RecentSync,
  RequestThrottle,
  RetrySchedule
} from "@im-recent/client"
import { RateLimit, RecentItem } from "@im-recent/domain"
import { Emulator, NodeServer } from "@im-recent/emulator"
import { Chunk, Effect, Either, Fiber, Layer, Option, Redacted, Schema, Stream, TestClock } from "effect"

const NOW = "2026-03-02T12:00:00Z"

/** The emulator on a free loopback port, built in the test's context (so on its clock). */
const emulator = (options: Emulator.Options) =>
  Emulator.layer({ startAt: NOW, ...options }).pipe(
    Layer.provide(NodeHttpServer.layer(() => NodeServer.make(), { port: 0, host: "127.0.0.1" }))
  )

const webhookOf = Effect.gen(function* () {
  const service = yield* Emulator.Emulator
  const hooks = yield* Emulator.webhookUrls(service)
  const state = yield* service.portal.state.get
  const index = state.webhooks.findIndex((hook) => hook.scopes.includes("im"))
  return hooks[index]!.url
})

/** The client stack against the emulator in context. */
const client = (options: Bitrix24.Options) =>
  Layer.unwrapEffect(
    Effect.map(webhookOf, (url) =>
      ImRecent.layer.pipe(
        Layer.provideMerge(Bitrix24.layerWebhook(Redacted.make(url), options)),
        Layer.provide(
          Layer.mergeAll(NodeHttpClient.layerUndici, RequestThrottle.layerIsolated, OperatingBudget.layerIsolated)
        )
      )
    )
  )

/** Lets sockets make progress between clock steps (not a timed wait). */
const settle = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve))).pipe(Effect.repeatN(20))

/** Advances the test clock in steps until the fiber is done; the virtual time it took. */
const driveUntilDone = <A, E>(fiber: Fiber.RuntimeFiber<A, E>, step: number) =>
  Effect.gen(function* () {
    let elapsed = 0
    while (Option.isNone(yield* Fiber.poll(fiber))) {
      yield* settle
      if (Option.isSome(yield* Fiber.poll(fiber))) break
      yield* TestClock.adjust(step)
      elapsed += step
    }
    return elapsed
  })

describe("the client against the emulator over loopback (NodeHttpClient)", () => {
  it.effect("decodes a generated portal and keeps the server's offsets", () =>
    Effect.gen(function* () {
      const recent = yield* ImRecent.ImRecent
      const { items, time } = yield* recent.get()
      assert.isAbove(items.length, 5)
      assert.strictEqual(time.date_start.zone._tag, "Offset")
      for (const item of items) assert.deepStrictEqual(item.date_update.zone, time.date_start.zone)
    }).pipe(
      Effect.provide(client({ retry: RetrySchedule.none }).pipe(Layer.provideMerge(emulator({ rateLimit: false }))))
    )
  )

  it.effect(
    "a burst with the server's own settings gets no QUERY_LIMIT_EXCEEDED and uses the whole allowed rate",
    () =>
      Effect.gen(function* () {
        const recent = yield* ImRecent.ImRecent
        // 5 at once, then 1 per second: 12 calls take exactly 7 s on the server's terms.
        const burst = yield* Effect.forEach(Array.from({ length: 12 }), () => Effect.either(recent.get()), {
          concurrency: "unbounded"
        }).pipe(Effect.fork)
        const elapsed = yield* driveUntilDone(burst, 250)
        const results = yield* Fiber.join(burst)
        const failures = results
          .filter(Either.isLeft)
          .map((result) => (result.left as Bitrix24Error.Bitrix24Error)._tag)
        assert.deepStrictEqual(failures, [])
        assert.strictEqual(elapsed, 7_000)
      }).pipe(
        Effect.provide(
          client({ retry: RetrySchedule.none, rateLimit: RateLimit.make(5, 1) }).pipe(
            Layer.provideMerge(emulator({ rateLimit: { burst: 5, drainPerSecond: 1 } }))
          )
        )
      ),
    30_000
  )

  it.effect("without the client's bucket the same burst is refused by the server (the test can fail)", () =>
    Effect.gen(function* () {
      const recent = yield* ImRecent.ImRecent
      const results = yield* Effect.forEach(Array.from({ length: 12 }), () => Effect.either(recent.get()), {
        concurrency: "unbounded"
      })
      const refused = results.filter(
        (result) => Either.isLeft(result) && result.left._tag === "QueryLimitExceeded"
      ).length
      assert.strictEqual(refused, 7)
    }).pipe(
      Effect.provide(
        client({ retry: RetrySchedule.none, rateLimit: RateLimit.make(1_000, 1_000) }).pipe(
          Layer.provideMerge(emulator({ rateLimit: { burst: 5, drainPerSecond: 1 } }))
        )
      )
    )
  )

  it.effect("pin, then a delta sync sees exactly that change", () =>
    Effect.gen(function* () {
      const recent = yield* ImRecent.ImRecent
      // The generated history ends at the emulator's start: let a moment pass first.
      yield* TestClock.adjust("2 seconds")
      const first = yield* recent.get()
      const target = first.items.find((item) => !item.pinned)!
      yield* TestClock.adjust("2 seconds")
      assert.isTrue(yield* recent.pin(RecentItem.dialogId(target), true))
      const delta = yield* recent.get({ LAST_SYNC_DATE: first.nextSyncDate })
      assert.deepStrictEqual(
        delta.items.map((item) => item.id),
        [target.id]
      )
      assert.isTrue(delta.items[0]!.pinned)
    }).pipe(
      Effect.provide(client({ retry: RetrySchedule.none }).pipe(Layer.provideMerge(emulator({ rateLimit: false }))))
    )
  )

  it.effect("RecentSync: a full load, then a delta carrying the new message", () =>
    Effect.gen(function* () {
      const sync = yield* RecentSync.RecentSync
      const service = yield* Emulator.Emulator
      const changes = yield* sync.changes.pipe(Stream.take(2), Stream.runCollect, Effect.fork)
      yield* settle
      // Another user writes to user 1 over HTTP, with their own webhook.
      const state = yield* service.portal.state.get
      const hooks = yield* Emulator.webhookUrls(service)
      const author = state.users.find(
        (user) =>
          user.id !== 1 &&
          user.active &&
          !user.bot &&
          state.webhooks.some((hook) => hook.userId === user.id && hook.scopes.includes("im"))
      )!
      const authorHook =
        hooks[state.webhooks.findIndex((hook) => hook.userId === author.id && hook.scopes.includes("im"))]!
      const posted = yield* Effect.promise(() =>
        fetch(`${authorHook.url}im.message.add`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ DIALOG_ID: "1", MESSAGE: "Hello from the test" })
        })
      )
      assert.strictEqual(posted.status, 200)
      yield* driveUntilDone(changes, 1_000)
      const [initial, delta] = Chunk.toReadonlyArray(yield* Fiber.join(changes))
      assert.strictEqual(initial!.reason, "initial")
      assert.strictEqual(delta!.reason, "delta")
      const changed = new Set([...delta!.added, ...delta!.updated])
      const items = delta!.snapshot.items.filter((item) => changed.has(item.id))
      assert.deepStrictEqual(
        items.map((item) => [item.id, item.message.text]),
        [[author.id, "Hello from the test"]]
      )
    }).pipe(
      Effect.provide(
        RecentSync.layerMemory({ interval: "5 seconds" }).pipe(
          Layer.provideMerge(client({ retry: RetrySchedule.none })),
          Layer.provideMerge(emulator({ rateLimit: false }))
        )
      )
    )
  )

  it.effect("maps the server's exact error bodies, as the emulator sends them, to typed errors", () =>
    Effect.gen(function* () {
      const service = yield* Emulator.Emulator
      const state = yield* service.portal.state.get
      const urls = yield* Emulator.webhookUrls(service)
      const urlOf = (predicate: (hook: (typeof state.webhooks)[number]) => boolean) =>
        urls[state.webhooks.findIndex(predicate)]!.url
      const active = new Set(state.users.filter((user) => user.active).map((user) => user.id))
      const imHook = urlOf((hook) => hook.scopes.includes("im") && active.has(hook.userId))
      const callWith = (url: string, method: string) =>
        Effect.flatMap(Bitrix24.Bitrix24, (bitrix) => bitrix.call(method, {}, Schema.Unknown)).pipe(
          Effect.provide(
            Bitrix24.layerWebhook(Redacted.make(url), { retry: RetrySchedule.none }).pipe(
              Layer.provide(
                Layer.mergeAll(NodeHttpClient.layerUndici, RequestThrottle.layerIsolated, OperatingBudget.layerIsolated)
              )
            )
          )
        )
      const failure = (url: string, method: string) => Effect.flip(callWith(url, method))
      const notFound = yield* failure(imHook, "im.no.such.method")
      assert.strictEqual(notFound._tag, "MethodNotFound")
      const auth = [
        [urlOf((hook) => !hook.scopes.includes("im")), "insufficient_scope"],
        [urlOf((hook) => hook.scopes.includes("im") && !active.has(hook.userId)), "authorization_error"],
        [imHook.replace(/\/[^/]+\/$/, "/wrongcode0000000/"), "INVALID_CREDENTIALS"]
      ] as const
      for (const [url, reason] of auth) {
        const error = yield* failure(url, "im.recent.get")
        assert.strictEqual(error._tag === "AuthError" ? error.reason : error._tag, reason)
      }
      // the first call runs and spends 5 s of the 1 s budget; the next is refused
      yield* callWith(imHook, "im.recent.get")
      const blocked = yield* failure(imHook, "im.recent.get")
      assert.strictEqual(blocked._tag, "OperationTimeLimit")
    }).pipe(Effect.provide(emulator({ rateLimit: false, operatingLimit: { limitSeconds: 1, cost: 5 } })))
  )
})
