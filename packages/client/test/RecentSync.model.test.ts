/**
 * Model-based test of delta sync: random writes (posts, read receipts, pins, unread marks), clock moves across
 * daylight-saving weeks in several zones (up to and around the 7-day edge) and a client clock skewed against the
 * portal's, against the emulator's web handler under the TestClock. After every step `RecentSync.sync` runs and its
 * snapshot is compared with a full `im.recent.get` at the same instant:
 *
 * - nothing missing: every item of the full fetch is in the snapshot;
 * - nothing stale: each is equal to the full fetch's, except for the one thing the server itself hides from deltas:
 *   a read receipt (`message.status` turning `delivered`) does not bump the other members' rows (see the emulator's
 *   `Actions.readChat`), so a snapshot may still say `received` for the same message until the next full load;
 * - extra items in the snapshot are the removals a delta cannot see (rows aged out of the 30-day window, a fired
 *   colleague's dialog the server stops listing once it is read): a full load drops them;
 * - the same relative order;
 * - after a full load, exactly the full fetch;
 * - never a delta the server clamped (judged with the portal's own zone rules).
 */
import { FetchHttpClient, HttpApp } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, ImRecent, OperatingBudget, RecentSync, RequestThrottle, RetrySchedule } from "@im-recent/client"
import { RecentItem, RecentQuery } from "@im-recent/domain"
import { Emulator, Generator, type PortalState } from "@im-recent/emulator"
import { DateTime, Effect, FastCheck as fc, Layer, Option, Redacted, Schema, TestClock } from "effect"

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** Zones with their daylight-saving switches of 2026 (Lord Howe shifts by 30 minutes, Troll by 2 hours). */
const zones: ReadonlyArray<{ readonly id: string; readonly transitions: ReadonlyArray<string> }> = [
  { id: "Europe/Berlin", transitions: ["2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"] },
  { id: "America/New_York", transitions: ["2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z"] },
  { id: "Australia/Lord_Howe", transitions: ["2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z"] },
  { id: "Antarctica/Troll", transitions: ["2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"] },
  { id: "Europe/Moscow", transitions: ["2026-06-01T00:00:00Z"] }
]

type Step =
  | { readonly _tag: "Post"; readonly chat: number; readonly author: number }
  | { readonly _tag: "Read"; readonly chat: number; readonly reader: number }
  | { readonly _tag: "Pin"; readonly chat: number; readonly on: boolean }
  | { readonly _tag: "Unread"; readonly chat: number; readonly on: boolean }
  | { readonly _tag: "Wait"; readonly millis: number }

const pick = fc.nat({ max: 1000 })
const wait = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 600 }).map((s) => s * 1000) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 30 }).map((h) => h * HOUR) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }).map((d) => d * DAY) },
  // the 7-day edge, give or take 3 hours: 167 h or 169 h in a week with a switch
  { weight: 4, arbitrary: fc.integer({ min: -180, max: 180 }).map((m) => 7 * DAY + m * 60_000) },
  { weight: 1, arbitrary: fc.integer({ min: 8, max: 20 }).map((d) => d * DAY) }
)
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ _tag: fc.constant("Post" as const), chat: pick, author: pick }) },
  { weight: 2, arbitrary: fc.record({ _tag: fc.constant("Read" as const), chat: pick, reader: pick }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("Pin" as const), chat: pick, on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("Unread" as const), chat: pick, on: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ _tag: fc.constant("Wait" as const), millis: wait }) }
)

const scenario = fc.record({
  zone: fc.constantFrom(...zones),
  transition: fc.nat({ max: 1 }),
  /** Where the run starts: up to 8 days before a switch, so the edge moves cross it. */
  before: fc.integer({ min: 0, max: 8 * 24 * 60 }).map((m) => m * 60_000),
  /** Local clock minus portal clock. */
  skew: fc.oneof(
    fc.constant(0),
    fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 }).map((m) => m * 60_000)
  ),
  zoneKnown: fc.boolean(),
  /** The default, or a generous one: then only the clamp judgment of each response protects the sync. */
  maxDeltaAge: fc.constantFrom<"7 days" | "8 days" | undefined>(undefined, "7 days", "8 days"),
  seed: fc.integer({ min: 1, max: 1000 }),
  steps: fc.array(step, { minLength: 4, maxLength: 16 })
})

const USER = 1

/** The chats of USER and their members, from the live state. */
const chatsOfUser = (state: PortalState.PortalState) =>
  state.chats
    .filter((chat) => state.relations.some((r) => r.chatId === chat.id && r.userId === USER))
    .map((chat) => ({
      chat,
      members: state.relations.filter((r) => r.chatId === chat.id).map((r) => r.userId)
    }))

/** The dialog id of a chat as `userId` names it. */
const dialogIdFor = (
  chat: { readonly chat: PortalState.PortalChat; readonly members: ReadonlyArray<number> },
  userId: number
) => (chat.chat.type === "P" ? String(chat.members.find((m) => m !== userId) ?? userId) : `chat${chat.chat.id}`)

const encodeItem = Schema.encodeSync(RecentItem.RecentItem)

/** An item as JSON, with `message.status` set aside when `ignoreStatus`. */
const comparable = (item: RecentItem.RecentItem, ignoreStatus: boolean): unknown => {
  const wire = JSON.parse(JSON.stringify(encodeItem(item))) as { message?: Record<string, unknown> }
  if (ignoreStatus && wire.message !== undefined) wire.message = { ...wire.message, status: "<status>" }
  return wire
}

/** RecentSync and ImRecent over the webhook of USER, with the emulator's app as `fetch`, in the test's runtime. */
const clientOf = (
  emulator: Emulator.Service,
  state: PortalState.PortalState,
  options: { readonly sync: RecentSync.Options; readonly timeZone?: DateTime.TimeZone | undefined }
) =>
  Effect.map(Effect.runtime<never>(), (runtime) => {
    const handler = HttpApp.toWebHandlerRuntime(runtime)(emulator.app)
    const fetch: typeof globalThis.fetch = (input, init) =>
      handler(input instanceof Request && init === undefined ? input : new Request(input, init))
    const hook = state.webhooks.find((h) => h.userId === USER && h.scopes.includes("im"))!
    const transport = Bitrix24.layerWebhook(Redacted.make(`${emulator.publicUrl}/rest/${USER}/${hook.code}/`), {
      rateLimit: { burst: 1_000_000, drainPerSecond: 1_000_000 },
      retry: RetrySchedule.none,
      timeZone: options.timeZone
    }).pipe(
      Layer.provide(FetchHttpClient.layer),
      Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch)),
      Layer.provide(Layer.mergeAll(RequestThrottle.layerIsolated, OperatingBudget.layerIsolated))
    )
    return RecentSync.layerMemory(options.sync).pipe(Layer.provideMerge(ImRecent.layer), Layer.provide(transport))
  })

describe("RecentSync against the emulator (model-based)", () => {
  it.effect.prop(
    "after every step the snapshot equals a full fetch: nothing missing, nothing stale, never a clamped delta",
    { run: scenario },
    ({ run }) =>
      Effect.gen(function* () {
        const transition = Date.parse(run.zone.transitions[run.transition % run.zone.transitions.length]!)
        const start = transition - run.before
        const zone = DateTime.zoneUnsafeMakeNamed(run.zone.id)
        yield* TestClock.setTime(start - run.skew)
        const portalNow = Effect.map(TestClock.currentTimeMillis, (local) => local + run.skew)

        const state = Generator.generate({
          ...Generator.defaults(DateTime.unsafeMake(start)),
          seed: run.seed,
          users: 6,
          chats: 5,
          messages: { perChat: 4 },
          locale: "en",
          timeZone: run.zone.id
        })
        const emulator = yield* Emulator.make({
          state,
          startAt: start,
          timeZone: run.zone.id,
          rateLimit: false,
          operatingLimit: false
        })
        const stack = yield* clientOf(emulator, state, {
          sync: { fullRefreshEvery: "365 days", maxDeltaAge: run.maxDeltaAge },
          timeZone: run.zoneKnown ? zone : undefined
        })

        const write = (userId: number, method: string, params: Record<string, unknown>) =>
          Effect.gen(function* () {
            const now = DateTime.unsafeMake(yield* portalNow)
            // refusals (a channel that takes posts from managers only, …) are part of the model: nothing changes
            yield* Effect.either(
              emulator.portal.methods.get(method)!.handler({ userId, now, state: emulator.portal.state }, params)
            )
          })

        const apply = (s: Step) =>
          Effect.gen(function* () {
            if (s._tag === "Wait") return yield* TestClock.adjust(s.millis)
            const chats = chatsOfUser(yield* emulator.portal.state.get)
            if (chats.length === 0) return
            const target = chats[s.chat % chats.length]!
            switch (s._tag) {
              case "Post": {
                const author = target.members[s.author % target.members.length]!
                return yield* write(author, "im.message.add", {
                  DIALOG_ID: dialogIdFor(target, author),
                  MESSAGE: `step message ${s.author}`
                })
              }
              case "Read": {
                const reader = target.members[s.reader % target.members.length]!
                return yield* write(reader, "im.dialog.read", { DIALOG_ID: dialogIdFor(target, reader) })
              }
              case "Pin":
                return yield* write(USER, "im.recent.pin", {
                  DIALOG_ID: dialogIdFor(target, USER),
                  PIN: s.on ? "Y" : "N"
                })
              case "Unread":
                return yield* write(USER, "im.recent.unread", {
                  DIALOG_ID: dialogIdFor(target, USER),
                  ACTION: s.on ? "Y" : "N"
                })
            }
          })

        const program = Effect.gen(function* () {
          const sync = yield* RecentSync.RecentSync
          const recent = yield* ImRecent.ImRecent
          let syncDate: DateTime.Zoned | undefined
          const check = (label: string) =>
            Effect.gen(function* () {
              const serverAt = yield* portalNow
              const change = yield* sync.sync
              if (change.kind === "delta" && syncDate !== undefined) {
                // the server's own rule, in the portal's zone
                const bound = RecentQuery.latestClampBound(DateTime.unsafeMakeZoned(serverAt, { timeZone: zone }))
                assert.isAtLeast(
                  syncDate.epochMillis,
                  bound.epochMillis,
                  `${label}: a delta from ${DateTime.formatIso(syncDate)} at ${new Date(serverAt).toISOString()} was clamped by the server`
                )
              }
              syncDate = change.snapshot.syncDate
              const full = yield* recent.get()
              const synced = new Map(change.snapshot.items.map((item) => [item.id, item]))
              for (const item of full.items) {
                const mine = synced.get(item.id)
                assert.isDefined(mine, `${label}: ${item.id} is missing from the snapshot`)
                const sameMessage = mine!.message.id === item.message.id
                const receiptOnly =
                  change.kind === "delta" &&
                  sameMessage &&
                  mine!.message.status === "received" &&
                  item.message.status === "delivered"
                assert.deepStrictEqual(
                  comparable(mine!, receiptOnly),
                  comparable(item, receiptOnly),
                  `${label}: ${item.id} is stale in the snapshot (${change.kind}, ${change.reason})`
                )
                if (!receiptOnly) assert.strictEqual(mine!.message.status, item.message.status)
              }
              const listed = new Set(full.items.map((item) => item.id))
              assert.deepStrictEqual(
                change.snapshot.items.filter((item) => listed.has(item.id)).map((item) => item.id),
                full.items.map((item) => item.id),
                `${label}: order`
              )
              if (change.kind === "full") assert.strictEqual(change.snapshot.items.length, full.items.length)
              return change
            })

          const kinds: Array<string> = [(yield* check("initial")).kind]
          for (const [index, s] of run.steps.entries()) {
            yield* apply(s)
            kinds.push((yield* check(`step ${index} (${s._tag})`)).kind)
          }
          return kinds
        })
        yield* program.pipe(Effect.provide(stack))
      }),
    { timeout: 180_000, fastCheck: { numRuns: 30 } }
  )

  it.effect("the spring-forward week: a message just after the last sync survives a sync 167.5 hours later", () =>
    Effect.gen(function* () {
      // Berlin: 2026-03-29 02:00 -> 03:00. Last sync on 2026-03-25 at 12:00+01:00, next at 2026-04-01 11:30+02:00.
      const start = Date.parse("2026-03-25T11:00:00Z")
      const skew = -2 * HOUR // the local clock is 2 hours behind the portal
      yield* TestClock.setTime(start + skew)
      const state = Generator.generate({
        ...Generator.defaults(DateTime.unsafeMake(start)),
        seed: 3,
        users: 4,
        chats: 2,
        messages: { perChat: 2 },
        locale: "en",
        timeZone: "Europe/Berlin"
      })
      const emulator = yield* Emulator.make({ state, startAt: start, rateLimit: false, operatingLimit: false })
      const stack = yield* clientOf(emulator, state, { sync: { fullRefreshEvery: "365 days", maxDeltaAge: "8 days" } })
      const chats = chatsOfUser(yield* emulator.portal.state.get)
      const other = chats.find((c) => c.chat.type === "P")!
      const sender = other.members.find((m) => m !== USER)!
      const program = Effect.gen(function* () {
        const sync = yield* RecentSync.RecentSync
        yield* sync.sync
        yield* TestClock.adjust("10 seconds")
        const now = DateTime.unsafeMake((yield* TestClock.currentTimeMillis) - skew)
        const sent = yield* emulator.portal.methods
          .get("im.message.add")!
          .handler(
            { userId: sender, now, state: emulator.portal.state },
            { DIALOG_ID: String(USER), MESSAGE: "in the gap" }
          )
        yield* TestClock.adjust(167.5 * HOUR)
        const change = yield* sync.sync
        assert.strictEqual(change.kind, "full")
        assert.strictEqual(change.reason, "stale")
        const item = change.snapshot.items.find((i) => i.id === sender)!
        assert.strictEqual(item.message.id, sent)
        // a delta at this point would have been clamped to 167 h back, after the message: prove it
        const delta = yield* Effect.flatMap(ImRecent.ImRecent, (recent) =>
          recent.get({ LAST_SYNC_DATE: DateTime.unsafeMake(start + 5_000) })
        )
        assert.isFalse(delta.items.some((i) => i.id === sender))
        assert.isTrue(Option.isSome(delta.clampedSince))
      })
      yield* program.pipe(Effect.provide(stack))
    })
  )
})
