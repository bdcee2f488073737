import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { PortalState } from "../src/PortalState.js"
import { Builder, ids, session, type Wire } from "./support.js"

const T0 = "2026-03-01T12:00:00Z"
const STAMP = "2026-03-01T12:00:00+00:00"

/**
 * Users 1–4 (4 is female); user 1 in a dialog with 2; group chat 10 (owner 1) with 1, 2, 3; open chat 12 with 1 and
 * 2; chat 11 of 2 and 3; a workgroup chat 13, a CRM chat 14 (owner 1) and the general chat 15, all with 1 and 2.
 */
const portal = (language: "en" | "ru" = "en"): PortalState => {
  const b = new Builder({ language, generalChatId: 15 }).user(1).user(2).user(3).user(4, { gender: "F" })
  b.dialog(20, 2, 100, "2026-02-28T10:00:00+00:00")
  b.groupChat(10, "C", [1, 2, 3], 101, "2026-02-28T11:00:00+00:00", { authorId: 2, chat: { ownerId: 1 } })
  b.groupChat(11, "C", [2, 3], 102, "2026-02-28T11:30:00+00:00", { authorId: 3 })
  b.groupChat(12, "O", [1, 2], 103, "2026-02-28T09:00:00+00:00", { authorId: 2, chat: { extendedType: "open" } })
  b.groupChat(13, "C", [1, 2], 104, "2026-02-28T08:00:00+00:00", {
    chat: { entityType: "SONET_GROUP", entityId: "7", extendedType: "sonetGroup" }
  })
  b.groupChat(14, "C", [1, 2], 105, "2026-02-28T07:00:00+00:00", {
    chat: { entityType: "CRM", entityId: "DEAL|1663", extendedType: "crm", ownerId: 1 }
  })
  b.groupChat(15, "O", [1, 2], 106, "2026-02-28T06:00:00+00:00", { chat: { extendedType: "general" } })
  return b.build()
}

const item = (items: ReadonlyArray<Wire>, id: number | string): Wire => items.find((i) => i.id === id)

describe("im.chat.add", () => {
  it.effect("creates a closed chat owned by the caller: an item for everyone, with roles and manager_list", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      const chatId = yield* ok(1, "2026-03-01T12:00:00.600Z", "im.chat.add", { USERS: [2, 3], TITLE: " Plan " })
      assert.strictEqual(chatId, 21)
      const mine = item(yield* recent(1, T0), "chat21")
      assert.deepStrictEqual(
        [mine.title, mine.chat.type, mine.chat.message_type, mine.chat.owner, mine.chat.role, mine.chat.manager_list],
        ["Plan", "chat", "C", 1, "OWNER", [1]]
      )
      assert.deepStrictEqual(
        [mine.message.text, mine.message.author_id, mine.counter, mine.date_last_activity, mine.chat.user_counter],
        ["First1 Last1 invited First2 Last2, First3 Last3 to chat.", 0, 0, STAMP, 3]
      )
      for (const member of [2, 3]) {
        const theirs = item(yield* recent(member, T0), "chat21")
        assert.deepStrictEqual([theirs.chat.role, theirs.chat.manager_list, theirs.counter], ["MEMBER", [], 0])
      }
      assert.isUndefined(item(yield* recent(4, T0), "chat21"))
      // the newest item comes first
      assert.strictEqual(ids(yield* recent(2, T0))[0], "chat21")
    })
  )

  it.effect("TYPE OPEN makes an open chat; MESSAGE is a first message from the caller, unread for the others", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      const chatId = yield* ok(1, T0, "im.chat.add", {
        TYPE: "OPEN",
        USERS: "[2]",
        TITLE: "Town hall",
        MESSAGE: " Hi "
      })
      const mine = item(yield* recent(1, T0), `chat${chatId}`)
      assert.deepStrictEqual([mine.chat.type, mine.chat.message_type], ["open", "O"])
      assert.deepStrictEqual([mine.message.text, mine.message.author_id, mine.counter], ["Hi", 1, 0])
      assert.strictEqual(item(yield* recent(2, T0), `chat${chatId}`).counter, 1)
    })
  )

  it.effect(
    "USERS: an array or its JSON text; falsy entries dropped, unknown users left out; other types refused",
    () =>
      Effect.gen(function* () {
        const { fail, ok } = yield* session(portal())
        const members = (chatId: number) =>
          Effect.map(ok(1, T0, "im.dialog.get", { DIALOG_ID: `chat${chatId}` }), (d: Wire) => d.user_counter)
        assert.strictEqual(yield* members(yield* ok(1, T0, "im.chat.add", { USERS: [0, "", "2", 77] })), 2)
        assert.strictEqual(yield* members(yield* ok(1, T0, "im.chat.add", { USERS: '{"a":3,"b":4}' })), 3)
        assert.strictEqual(yield* members(yield* ok(1, T0, "im.chat.add", { USERS: "not json" })), 1)
        for (const USERS of [[2, { id: 3 }], [true], [2.5]]) {
          assert.deepStrictEqual(yield* fail(1, T0, "im.chat.add", { USERS }), {
            code: "INVALID_FORMAT",
            description: "Parameter USERS has wrong type",
            status: 400
          })
        }
      })
  )

  it.effect("without a TITLE the chat is named after its members; ENTITY_TYPE binds it (no greeting then)", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      const named = yield* ok(1, T0, "im.chat.add", {})
      const alone = item(yield* recent(1, T0), `chat${named}`)
      assert.deepStrictEqual(
        [alone.title, alone.message.text],
        ["Chat with First1 Last1", "First1 Last1 created the chat."]
      )
      const crm = yield* ok(1, T0, "im.chat.add", { USERS: [2], ENTITY_TYPE: "CRM", ENTITY_ID: "DEAL|1663" })
      const bound = item(yield* recent(1, T0), `chat${crm}`)
      assert.deepStrictEqual(
        [bound.chat.type, bound.chat.entity_type, bound.chat.entity_id, bound.chat.restrictions.leave_owner],
        ["crm", "CRM", "DEAL|1663", false]
      )
      const silent = yield* ok(1, T0, "im.chat.add", { ENTITY_TYPE: "TASKS", ENTITY_ID: "5" })
      assert.isUndefined(item(yield* recent(1, T0), `chat${silent}`))
    })
  )
})

describe("im.chat.leave", () => {
  it.effect(
    "the chat leaves the leaver's lists; a closed chat's im.dialog.get then answers 403; the others see a message",
    () =>
      Effect.gen(function* () {
        const { fail, ok, recent } = yield* session(portal())
        assert.isTrue(yield* ok(3, "2026-03-01T12:00:00Z", "im.chat.leave", { CHAT_ID: 10 }))
        assert.isUndefined(item(yield* recent(3, T0), "chat10"))
        assert.isUndefined(
          item(yield* ok(3, T0, "im.recent.list", {}).pipe(Effect.map((r: Wire) => r.items)), "chat10")
        )
        assert.deepStrictEqual(yield* fail(3, T0, "im.dialog.get", { DIALOG_ID: "chat10" }), {
          code: "ACCESS_ERROR",
          description: "You do not have access to the specified dialog",
          status: 403
        })
        const theirs = item(yield* recent(1, T0), "chat10")
        assert.deepStrictEqual(
          [
            theirs.message.text,
            theirs.message.author_id,
            theirs.counter,
            theirs.date_last_activity,
            theirs.chat.user_counter
          ],
          ["First3 Last3 left the chat.", 0, 0, STAMP, 2]
        )
      })
  )

  it.effect("an open chat stays visible to its former member; DIALOG_ID chatN works too", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal("ru"))
      assert.isTrue(yield* ok(2, T0, "im.chat.leave", { DIALOG_ID: "chat12" }))
      assert.isUndefined(item(yield* recent(2, T0), "chat12"))
      assert.strictEqual((yield* ok(2, T0, "im.dialog.get", { DIALOG_ID: "chat12" })).role, "guest")
      assert.strictEqual(item(yield* recent(1, T0), "chat12").message.text, "First2 Last2 вышел из чата")
    })
  )

  it.effect("the owner who leaves hands the chat to another member, who becomes its manager", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      yield* ok(1, T0, "im.chat.leave", { CHAT_ID: "10" })
      const heir = item(yield* recent(2, T0), "chat10")
      assert.deepStrictEqual([heir.chat.owner, heir.chat.role, heir.chat.manager_list], [2, "OWNER", [2]])
    })
  )

  it.effect("USER_ID: the owner removes a member; anyone else is refused", () =>
    Effect.gen(function* () {
      const { fail, ok, recent } = yield* session(portal())
      assert.deepStrictEqual((yield* fail(2, T0, "im.chat.leave", { CHAT_ID: 10, USER_ID: 3 })).code, "WRONG_REQUEST")
      yield* ok(1, T0, "im.chat.leave", { CHAT_ID: 10, USER_ID: 3 })
      assert.isUndefined(item(yield* recent(3, T0), "chat10"))
      assert.strictEqual(
        item(yield* recent(2, T0), "chat10").message.text,
        "First1 Last1 removed First3 Last3 from the chat."
      )
    })
  )

  it.effect("bad input and refusals, with the server's codes, texts and statuses", () =>
    Effect.gen(function* () {
      const { fail } = yield* session(portal())
      const cases: ReadonlyArray<readonly [number, Record<string, unknown>, string, string, number]> = [
        [1, { DIALOG_ID: "2" }, "DIALOG_ID_EMPTY", "Dialog ID can't be empty", 400],
        [1, { DIALOG_ID: "chat" }, "DIALOG_ID_EMPTY", "Dialog ID can't be empty", 400],
        [1, {}, "CHAT_ID_EMPTY", "Chat ID can't be empty", 400],
        [1, { CHAT_ID: "x" }, "CHAT_ID_EMPTY", "Chat ID can't be empty", 400],
        [1, { CHAT_ID: 15 }, "ACCESS_ERROR", "Action unavailable", 403],
        [1, { CHAT_ID: 13 }, "ACCESS_ERROR", "It is forbidden to delete users of this chat", 403],
        [1, { CHAT_ID: 14 }, "ACCESS_ERROR", "Cannot dismiss chat owner.", 403],
        [1, { CHAT_ID: 11 }, "WRONG_REQUEST", "You don't have access or user isn't member in chat", 400],
        [1, { CHAT_ID: 999 }, "WRONG_REQUEST", "You don't have access or user isn't member in chat", 400],
        [1, { CHAT_ID: 20 }, "WRONG_REQUEST", "You don't have access or user isn't member in chat", 400]
      ]
      for (const [userId, params, code, description, status] of cases) {
        assert.deepStrictEqual(yield* fail(userId, T0, "im.chat.leave", params), { code, description, status })
      }
    })
  )
})

describe("im.chat.mute", () => {
  it.effect("mutes and unmutes (only N unmutes): mute_list and CHAT_MUTED follow, date_update does not", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      yield* ok(1, T0, "im.dialog.unread", { DIALOG_ID: "chat10", MESSAGE_ID: 101 })
      const before = item(yield* recent(1, T0), "chat10")
      assert.isTrue(yield* ok(1, T0, "im.chat.mute", { CHAT_ID: 10, ACTION: "Y" }))
      const muted = item(yield* recent(1, T0), "chat10")
      assert.deepStrictEqual([muted.chat.mute_list, muted.date_update], [{ 1: true }, before.date_update])
      const counters = yield* ok(1, T0, "im.counters.get")
      assert.deepStrictEqual([counters.CHAT, counters.CHAT_MUTED, counters.TYPE.CHAT], [[], { 10: 1 }, 0])
      for (const [params, expected] of [
        [{ DIALOG_ID: "chat10", MUTE: "n" }, { 1: true }],
        [{ DIALOG_ID: "chat10", ACTION: "N", MUTE: "Y" }, []],
        [{ CHAT_ID: 10, MUTE: "whatever" }, { 1: true }],
        [{ CHAT_ID: 10, MUTE: "N" }, []]
      ] as const) {
        assert.isTrue(yield* ok(1, T0, "im.chat.mute", params))
        assert.deepStrictEqual(item(yield* recent(1, T0), "chat10").chat.mute_list, expected)
      }
      assert.deepStrictEqual((yield* ok(1, T0, "im.counters.get")).CHAT, { 10: 1 })
    })
  )

  it.effect("a user id mutes the private chat with them", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      yield* ok(1, T0, "im.chat.mute", { DIALOG_ID: 2 })
      assert.deepStrictEqual(item(yield* recent(1, T0), 2).chat.mute_list, { 1: true })
    })
  )

  it.effect("bad input and refusals", () =>
    Effect.gen(function* () {
      const { fail } = yield* session(portal())
      const cannot = { code: "ACCESS_ERROR", description: "This chat cannot be muted", status: 403 }
      assert.deepStrictEqual(yield* fail(1, T0, "im.chat.mute", { DIALOG_ID: "xyz" }), {
        code: "DIALOG_ID_EMPTY",
        description: "Dialog ID can't be empty",
        status: 400
      })
      for (const params of [{}, { DIALOG_ID: "4" }, { CHAT_ID: 0 }]) {
        assert.deepStrictEqual(yield* fail(1, T0, "im.chat.mute", params), {
          code: "CHAT_ID_EMPTY",
          description: "Chat ID can't be empty",
          status: 400
        })
      }
      assert.deepStrictEqual(yield* fail(1, T0, "im.chat.mute", { CHAT_ID: 11 }), cannot)
      assert.deepStrictEqual(yield* fail(1, T0, "im.chat.mute", { DIALOG_ID: "chat999" }), cannot)
    })
  )
})
