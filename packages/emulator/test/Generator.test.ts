import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { AtomDateTime, RecentItem, RecentList, RecentOrder, RecentQuery } from "@im-recent/domain"
import { FastCheck } from "effect"
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as DialogRead from "../src/DialogRead.js"
import * as Generator from "../src/Generator.js"
import * as PortalState from "../src/PortalState.js"
import * as RecentRead from "../src/RecentRead.js"
import { utc, type Wire } from "./support.js"

const now = utc("2026-03-01T09:30:00Z")
const options = (seed: number, locale: "ru" | "en" = "ru"): Generator.Options => ({
  seed,
  users: 24,
  chats: 18,
  messages: { perChat: 8 },
  locale,
  now,
  timeZone: locale === "ru" ? "Europe/Moscow" : "America/New_York"
})
const Items = Schema.Array(RecentItem.RecentItem)
const decodeItems = Schema.decodeUnknownEither(Items, { onExcessProperty: "error" })
const decodeList = Schema.decodeUnknownEither(RecentList.Result, { onExcessProperty: "error" })

const cache = new Map<string, PortalState.PortalState>()
const portal = (seed: number, locale: "ru" | "en" = "ru"): PortalState.PortalState => {
  const key = `${seed}:${locale}`
  let state = cache.get(key)
  if (state === undefined) {
    state = Generator.generate({ ...options(seed, locale), users: 12, chats: 12, messages: { perChat: 6 } })
    cache.set(key, state)
  }
  return state
}

describe("Generator", () => {
  it.effect("is deterministic: the same options give byte-identical JSON, another seed another portal", () =>
    Effect.gen(function* () {
      const a = yield* PortalState.toJson(Generator.generate(options(42)))
      const b = yield* PortalState.toJson(Generator.generate(options(42)))
      const c = yield* PortalState.toJson(Generator.generate(options(43)))
      assert.strictEqual(a, b)
      assert.notStrictEqual(a, c)
    })
  )

  it.effect(
    "keeps the portals it made: a seed's portal is pinned (change these hashes only to change the generator)",
    () =>
      Effect.gen(function* () {
        const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")
        const pinned = [
          [options(42), "f260051b61bdf5a3692f8c206de744039301e27e68142c4eee39642bed81c6cb"],
          [options(7, "en"), "9c930c33a794695f363d9e911b80ce991b443fd2fd0528693e702d6d482d2dc6"]
        ] as const
        for (const [settings, hash] of pinned) {
          assert.strictEqual(sha256(yield* PortalState.toJson(Generator.generate(settings))), hash)
        }
      })
  )

  it.effect("produces a valid state that survives a JSON round trip", () =>
    Effect.gen(function* () {
      for (const locale of ["ru", "en"] as const) {
        const text = yield* PortalState.toJson(Generator.generate(options(7, locale)))
        const back = yield* PortalState.fromJson(text)
        assert.strictEqual(yield* PortalState.toJson(back), text)
      }
    })
  )

  it.effect("covers every chat type, the general chat, open-line sessions, task chats and special users", () =>
    Effect.sync(() => {
      const state = Generator.generate(options(5))
      assert.deepStrictEqual([...new Set(state.chats.map((c) => c.type))].sort(), [
        "A",
        "B",
        "C",
        "J",
        "L",
        "N",
        "O",
        "P",
        "X"
      ])
      const general = state.chats.find((c) => c.id === state.portal.generalChatId)!
      assert.deepStrictEqual([general.type, general.extendedType], ["O", "general"])
      const task = state.chats.find((c) => c.type === "X")!
      assert.deepStrictEqual(
        [task.extendedType, task.entityType, task.entityLink.type],
        ["tasksTask", "TASKS_TASK", "TASKS"]
      )
      const lines = state.chats.filter((c) => c.type === "L")
      assert.isTrue(lines.every((c) => state.openLinesSessions.some((s) => s.chatId === c.id)))
      assert.isTrue(state.users.some((u) => u.copilot && u.bot))
      assert.isTrue(state.users.some((u) => u.bot && !u.copilot))
      assert.isTrue(state.users.some((u) => !u.active))
      assert.isTrue(state.users.some((u) => u.connector))
      assert.isTrue(state.users.some((u) => u.extranet))
      assert.isTrue(
        state.users.some((u) => u.avatar.startsWith("/upload/")) && state.users.some((u) => u.avatar === "")
      )
      assert.isTrue(state.messages.some((m) => m.authorId === 0 && m.attach === true))
      assert.isTrue(state.messages.some((m) => m.file !== null) && state.messages.some((m) => m.sticker !== null))
      assert.isTrue(state.messages.some((m) => m.params.code === "USER_JOIN"))
      assert.isTrue(
        state.messages.some((m) => /\[USER=\d+\]/.test(m.text)) && state.messages.some((m) => m.text.includes("[b]"))
      )
      assert.isTrue(
        state.recent.some((r) => r.userId === 1 && r.pinned) && state.recent.some((r) => r.userId === 1 && r.unread)
      )
      assert.isTrue(state.relations.some((r) => r.userId === 1 && r.muted))
      assert.isTrue(state.recent.some((r) => r.userId === 0))
    })
  )

  it.effect("binds group chats to a task, a workgroup, a CRM deal and a video conference, as their items show", () =>
    Effect.sync(() => {
      const state = Generator.generate(options(5, "en"))
      const byType = (extendedType: string) => state.chats.find((c) => c.extendedType === extendedType)!
      const expected = [
        ["tasks", "TASKS"],
        ["sonetGroup", "SONET_GROUP"],
        ["crm", "CRM"],
        ["videoconf", "VIDEOCONF"]
      ] as const
      for (const [extendedType, entityType] of expected) {
        const chat = byType(extendedType)
        assert.deepStrictEqual([chat.type, chat.entityType], ["C", entityType], extendedType)
        assert.isAbove(state.relations.filter((r) => r.chatId === chat.id).length, 0, extendedType)
      }
      assert.match(byType("crm").entityId, /^DEAL\|\d+$/)
      assert.strictEqual(byType("crm").entityLink.type, "DEAL")
      assert.match(String(byType("videoconf").public?.link), /\/video\/[a-z0-9]{8}$/)
      // as a member sees them in im.dialog.get
      const dialog = (extendedType: string): Wire => {
        const chat = byType(extendedType)
        const member = state.relations.find((r) => r.chatId === chat.id)!.userId
        return Either.getOrThrow(DialogRead.get(state, member, now, { DIALOG_ID: `chat${chat.id}` }))
      }
      const group = dialog("sonetGroup").restrictions
      assert.deepStrictEqual(
        [group.avatar, group.rename, group.extend, group.leave, group.leave_owner, group.path, group.path_title],
        [false, false, false, false, false, "/workgroups/group/#ID#/", "View group"]
      )
      assert.match(dialog("tasks").restrictions.path, /^\/company\/personal\/user\/\d+\/tasks\/task\/view\/#ID#\/$/)
      assert.deepStrictEqual(dialog("videoconf").public, byType("videoconf").public)
      assert.strictEqual(dialog("videoconf").name, "Video conference #1")
      const items = RecentRead.list(state, 1, now, { LIMIT: 200 }).items as Array<Wire>
      assert.isTrue(Either.isRight(decodeItems(items)))
    })
  )

  it.effect("spreads history over the 60 days before now, so both windows matter", () =>
    Effect.sync(() => {
      const state = Generator.generate(options(9))
      const age = (date: DateTime.DateTime) => (now.epochMillis - date.epochMillis) / 86_400_000
      assert.isTrue(state.messages.every((m) => age(m.date) >= 0 && age(m.date) <= 60))
      const rows = state.recent.filter((r) => r.userId === 1)
      assert.isTrue(rows.some((r) => age(r.dateUpdate) > 30))
      assert.isTrue(rows.some((r) => age(r.dateUpdate) > 7 && age(r.dateUpdate) <= 30))
      assert.isTrue(rows.some((r) => age(r.dateUpdate) <= 7))
    })
  )

  it.effect("gives user 1 an im webhook, a webhook without im, and an OAuth app with a token pair", () =>
    Effect.sync(() => {
      const state = Generator.generate(options(11))
      const hooks = state.webhooks.filter((w) => w.userId === 1)
      assert.isTrue(hooks.some((w) => w.scopes.includes("im")))
      assert.isTrue(hooks.some((w) => !w.scopes.includes("im")))
      assert.strictEqual(new Set(state.webhooks.map((w) => w.code)).size, state.webhooks.length)
      assert.strictEqual(state.oauthApps.length, 1)
      const token = state.oauthTokens.find((t) => t.userId === 1)!
      assert.strictEqual(token.clientId, state.oauthApps[0].clientId)
      assert.isTrue(token.accessExpiresAt > Math.floor(now.epochMillis / 1000))
    })
  )

  it.effect("the counter cap, the fallback message and the dropped rows all occur for user 1", () =>
    Effect.sync(() => {
      const state = Generator.generate(options(3))
      const items = RecentRead.get(state, 1, now, { LAST_SYNC_DATE: "2026-02-01T00:00:00+03:00" })
      const all = RecentRead.list(state, 1, now, { LIMIT: 200 }).items as Array<Wire>
      assert.isTrue(all.some((item) => item.counter === 100))
      assert.isTrue(all.some((item) => item.type === "user" && !("uuid" in item.message)))
      assert.isTrue(all.some((item) => Array.isArray(item.user) && item.user.length === 0))
      const rows = state.recent.filter((r) => r.userId === 1)
      assert.isTrue(all.length + items.length > 0 && all.length < rows.length)
    })
  )
})

describe("generated portals on the wire", () => {
  it.effect(
    "im.recent.get decodes with RecentItem, every field known, for several seeds, callers and both locales",
    () =>
      Effect.sync(() => {
        for (const locale of ["ru", "en"] as const) {
          for (const seed of [1, 2, 3, 4]) {
            const state = Generator.generate(options(seed, locale))
            for (const userId of [1, 2, 5, 9]) {
              const result = RecentRead.get(state, userId, now, {})
              const decoded = decodeItems(result)
              if (Either.isLeft(decoded)) assert.fail(`${locale}/${seed}/${userId}: ${decoded.left.message}`)
              const listed = RecentRead.list(state, userId, now, { LIMIT: 200 })
              const { next: _, total: __, ...listResult } = listed
              const decodedList = decodeList(listResult)
              if (Either.isLeft(decodedList))
                assert.fail(`list ${locale}/${seed}/${userId}: ${decodedList.left.message}`)
            }
          }
        }
      })
  )

  const flags = FastCheck.record({
    seed: FastCheck.integer({ min: 1, max: 6 }),
    locale: FastCheck.constantFrom("ru" as const, "en" as const),
    userId: FastCheck.integer({ min: 1, max: 8 }),
    skipChat: FastCheck.boolean(),
    skipDialog: FastCheck.boolean(),
    skipOpenLines: FastCheck.boolean(),
    syncDaysAgo: FastCheck.option(FastCheck.integer({ min: 0, max: 20 }), { nil: undefined })
  })
  const run = (input: typeof flags extends FastCheck.Arbitrary<infer A> ? A : never) => {
    const state = portal(input.seed, input.locale)
    const params: Record<string, unknown> = {}
    if (input.skipChat) params.SKIP_CHAT = "Y"
    if (input.skipDialog) params.SKIP_DIALOG = "Y"
    if (input.skipOpenLines) params.SKIP_OPENLINES = "Y"
    if (input.syncDaysAgo !== undefined) {
      params.LAST_SYNC_DATE = AtomDateTime.formatEpoch(now.epochMillis - input.syncDaysAgo * 86_400_000, 3 * 3_600_000)
    }
    const items = RecentRead.get(state, input.userId, now, params)
    return { state, params, items }
  }

  it.prop(
    "SKIP_DIALOG leaves only chats, SKIP_CHAT no group or open chats, SKIP_OPENLINES no open lines",
    [flags],
    ([input]) => {
      const { items } = run(input)
      for (const item of items as Array<Wire>) {
        if (input.skipDialog) assert.strictEqual(item.type, "chat")
        if (input.skipChat && item.type === "chat") assert.notInclude(["C", "O"], item.chat.message_type)
        if (input.skipOpenLines && item.type === "chat") assert.notStrictEqual(item.chat.message_type, "L")
      }
    },
    { fastCheck: { numRuns: 40 } }
  )

  it.prop(
    "every item is within the window the domain's RecentQuery computes",
    [flags],
    ([input]) => {
      const { state, params, items } = run(input)
      const since = RecentQuery.since(RecentRead.query(state, now, params))
      for (const item of items as Array<Wire>) {
        const updated = Option.getOrThrow(AtomDateTime.parse(item.date_update))
        assert.isTrue(Math.floor(updated.epochMillis / 1000) >= Math.floor(Option.getOrThrow(since).epochMillis / 1000))
      }
    },
    { fastCheck: { numRuns: 40 } }
  )

  it.prop(
    "the output is sorted by RecentOrder and has no duplicate ids",
    [flags],
    ([input]) => {
      const { items } = run(input)
      const decoded = Schema.decodeUnknownSync(Items)(items)
      for (let i = 1; i < decoded.length; i++) assert.isAtMost(RecentOrder.Order(decoded[i - 1], decoded[i]), 0)
      assert.strictEqual(new Set(decoded.map((item) => item.id)).size, decoded.length)
    },
    { fastCheck: { numRuns: 40 } }
  )
})
