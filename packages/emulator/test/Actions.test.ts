import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Generator from "../src/Generator.js"
import { methods } from "../src/Methods.js"
import type { PortalState } from "../src/PortalState.js"
import { Builder, ids, session, utc } from "./support.js"

const T0 = "2026-03-01T12:00:00Z"

/** A portal: user 1 in a dialog with 2 (one unread), group chat 10 with 1, 2, 3; chat 11 of 2 and 3 only. */
const portal = (): PortalState => {
  const b = new Builder().user(1).user(2).user(3).user(4)
  b.dialog(20, 2, 100, "2026-02-28T10:00:00+00:00", { read: false })
  b.groupChat(10, "C", [1, 2, 3], 101, "2026-02-28T11:00:00+00:00", { authorId: 2 })
  b.groupChat(11, "C", [2, 3], 102, "2026-02-28T11:30:00+00:00", { authorId: 3 })
  return b.build()
}

describe("the method table", () => {
  it.effect("every method is in the im scope, keyed by lower-case name", () =>
    Effect.sync(() => {
      assert.deepStrictEqual([...methods.keys()].sort(), [
        "im.chat.add",
        "im.chat.leave",
        "im.chat.mute",
        "im.counters.get",
        "im.dialog.get",
        "im.dialog.read",
        "im.dialog.read.all",
        "im.dialog.unread",
        "im.message.add",
        "im.message.delete",
        "im.message.update",
        "im.recent.get",
        "im.recent.hide",
        "im.recent.list",
        "im.recent.pin",
        "im.recent.unread"
      ])
      for (const method of methods.values()) assert.strictEqual(method.scope, "im")
    })
  )
})

describe("im.recent.pin", () => {
  it.effect("pins: the item moves to the top and its date_update becomes the server time", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      assert.deepStrictEqual(ids(yield* recent(1, T0)), ["chat10", 2])
      assert.isTrue(yield* ok(1, "2026-03-01T12:00:05.700Z", "im.recent.pin", { DIALOG_ID: 2 }))
      const items = yield* recent(1, "2026-03-01T12:00:06Z")
      assert.deepStrictEqual(ids(items), [2, "chat10"])
      assert.deepStrictEqual([items[0].pinned, items[0].date_update], [true, "2026-03-01T12:00:05+00:00"])
      assert.strictEqual(items[0].date_last_activity, "2026-02-28T10:00:00+00:00")
    })
  )

  it.effect("delta sync: LAST_SYNC_DATE just before a pin returns exactly that item", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      assert.deepStrictEqual(
        yield* recent(1, "2026-03-01T12:00:00Z", { LAST_SYNC_DATE: "2026-03-01T12:00:00+00:00" }),
        []
      )
      yield* ok(1, "2026-03-01T12:00:03Z", "im.recent.pin", { DIALOG_ID: "chat10" })
      const delta = yield* recent(1, "2026-03-01T12:00:04Z", { LAST_SYNC_DATE: "2026-03-01T12:00:02+00:00" })
      assert.deepStrictEqual(ids(delta), ["chat10"])
      assert.isTrue(delta[0].pinned)
      // the boundary second is included
      assert.deepStrictEqual(
        ids(yield* recent(1, "2026-03-01T12:00:04Z", { LAST_SYNC_DATE: "2026-03-01T12:00:03+00:00" })),
        ["chat10"]
      )
    })
  )

  it.effect("PIN=N (or ACTION=N) unpins; pinning a pinned item answers true and changes nothing", () =>
    Effect.gen(function* () {
      const { ok, recent, state } = yield* session(portal())
      yield* ok(1, "2026-03-01T12:00:01Z", "im.recent.pin", { DIALOG_ID: "chat10", PIN: "Y" })
      const before = yield* state
      assert.isTrue(yield* ok(1, "2026-03-01T12:00:09Z", "im.recent.pin", { dialog_id: "chat10" }))
      assert.strictEqual(yield* state, before)
      yield* ok(1, "2026-03-01T12:00:10Z", "im.recent.pin", { DIALOG_ID: "chat10", ACTION: "N" })
      const item = (yield* recent(1, T0)).find((i) => i.id === "chat10")
      assert.deepStrictEqual([item.pinned, item.date_update], [false, "2026-03-01T12:00:10+00:00"])
    })
  )

  it.effect("a missing, empty or malformed DIALOG_ID is DIALOG_ID_EMPTY (400)", () =>
    Effect.gen(function* () {
      const { fail } = yield* session(portal())
      for (const params of [
        {},
        { DIALOG_ID: "" },
        { DIALOG_ID: "abc" },
        { DIALOG_ID: "chat" },
        { DIALOG_ID: "0" },
        { DIALOG_ID: ["chat10"] }
      ]) {
        assert.deepStrictEqual(yield* fail(1, T0, "im.recent.pin", params), {
          code: "DIALOG_ID_EMPTY",
          description: "Dialog ID can't be empty",
          status: 400
        })
      }
    })
  )

  it.effect("a chat the caller is not in, or a user they never talked to, is ACCESS_ERROR (400)", () =>
    Effect.gen(function* () {
      const { fail } = yield* session(portal())
      assert.deepStrictEqual(yield* fail(1, T0, "im.recent.pin", { DIALOG_ID: "chat11" }), {
        code: "ACCESS_ERROR",
        // CIMRestService::recentPin writes U+2019 here, unlike its other texts
        description: "You don\u2019t have permission to pin this chat",
        status: 400
      })
      assert.deepStrictEqual((yield* fail(1, T0, "im.recent.pin", { DIALOG_ID: "chat999" })).code, "ACCESS_ERROR")
      assert.deepStrictEqual(yield* fail(1, T0, "im.recent.pin", { DIALOG_ID: "4" }), {
        code: "ACCESS_ERROR",
        description: "You don't have access to this chat",
        status: 400
      })
    })
  )

  it.effect("a dialog without a row (hidden) answers false; the 46th pin answers false", () =>
    Effect.gen(function* () {
      const { ok } = yield* session(portal())
      yield* ok(1, T0, "im.recent.hide", { DIALOG_ID: "chat10" })
      assert.isFalse(yield* ok(1, T0, "im.recent.pin", { DIALOG_ID: "chat10" }))
      const b = new Builder().user(1).user(2)
      for (let i = 0; i < 46; i++) b.groupChat(100 + i, "C", [1, 2], 1000 + i, "2026-02-28T10:00:00+00:00")
      const many = yield* session(b.build())
      for (let i = 0; i < 45; i++)
        assert.isTrue(yield* many.ok(1, T0, "im.recent.pin", { DIALOG_ID: `chat${100 + i}` }))
      assert.isFalse(yield* many.ok(1, T0, "im.recent.pin", { DIALOG_ID: "chat145" }))
    })
  )

  it.effect("a caller changes only its own rows", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      yield* ok(1, "2026-03-01T12:00:01Z", "im.recent.pin", { DIALOG_ID: "chat10" })
      const other = (yield* recent(2, T0)).find((i) => i.id === "chat10")
      assert.deepStrictEqual([other.pinned, other.date_update], [false, "2026-02-28T11:00:00+00:00"])
    })
  )
})

describe("im.recent.unread", () => {
  it.effect("ACTION=Y sets the manual mark (bumping date_update); ACTION=N clears it and reads the dialog", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      assert.isTrue(yield* ok(1, "2026-03-01T12:00:01Z", "im.recent.unread", { DIALOG_ID: "chat10" }))
      let item = (yield* recent(1, T0)).find((i) => i.id === "chat10")
      assert.deepStrictEqual([item.unread, item.counter, item.date_update], [true, 0, "2026-03-01T12:00:01+00:00"])
      let dialog = (yield* recent(1, T0)).find((i) => i.id === 2)
      assert.deepStrictEqual([dialog.unread, dialog.counter], [false, 1])
      assert.isTrue(yield* ok(1, "2026-03-01T12:00:02Z", "im.recent.unread", { DIALOG_ID: "2", ACTION: "N" }))
      dialog = (yield* recent(1, T0)).find((i) => i.id === 2)
      assert.deepStrictEqual(
        [dialog.unread, dialog.counter, dialog.last_id, dialog.date_update],
        [false, 0, 100, "2026-03-01T12:00:02+00:00"]
      )
      assert.isTrue(yield* ok(1, "2026-03-01T12:00:03Z", "im.recent.unread", { DIALOG_ID: "chat10", UNREAD: "N" }))
      item = (yield* recent(1, T0)).find((i) => i.id === "chat10")
      assert.deepStrictEqual([item.unread, item.date_update], [false, "2026-03-01T12:00:03+00:00"])
    })
  )

  it.effect("no row for the dialog answers false; a malformed DIALOG_ID is DIALOG_ID_EMPTY", () =>
    Effect.gen(function* () {
      const { ok, fail } = yield* session(portal())
      assert.isFalse(yield* ok(1, T0, "im.recent.unread", { DIALOG_ID: "chat11" }))
      assert.isFalse(yield* ok(1, T0, "im.recent.unread", { DIALOG_ID: "4" }))
      assert.strictEqual((yield* fail(1, T0, "im.recent.unread", { DIALOG_ID: "chat-1" })).code, "DIALOG_ID_EMPTY")
    })
  )
})

describe("im.recent.hide", () => {
  it.effect("deletes the caller's row (no marker for delta sync); a new message brings it back", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      assert.isTrue(yield* ok(1, "2026-03-01T12:00:01Z", "im.recent.hide", { DIALOG_ID: "chat10" }))
      assert.deepStrictEqual(ids(yield* recent(1, T0)), [2])
      assert.deepStrictEqual(yield* recent(1, T0, { LAST_SYNC_DATE: "2026-03-01T12:00:00+00:00" }), [])
      assert.deepStrictEqual(ids(yield* recent(2, T0)).includes("chat10"), true)
      assert.isTrue(yield* ok(1, T0, "im.recent.hide", { DIALOG_ID: "chat10" }))
      yield* ok(3, "2026-03-01T12:00:05Z", "im.message.add", { DIALOG_ID: "chat10", MESSAGE: "back" })
      const items = yield* recent(1, T0)
      assert.deepStrictEqual(ids(items), ["chat10", 2])
      assert.deepStrictEqual([items[0].message.text, items[0].counter], ["back", 1])
    })
  )

  it.effect("hiding reads the dialog, as the server does", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      yield* ok(1, T0, "im.recent.hide", { DIALOG_ID: 2 })
      yield* ok(2, "2026-03-01T12:00:05Z", "im.message.add", { DIALOG_ID: 1, MESSAGE: "again" })
      const dialog = (yield* recent(1, T0)).find((i) => i.id === 2)
      assert.strictEqual(dialog.counter, 1)
    })
  )

  it.effect("always true, DIALOG_ID_EMPTY for a malformed id", () =>
    Effect.gen(function* () {
      const { ok, fail } = yield* session(portal())
      assert.isTrue(yield* ok(1, T0, "im.recent.hide", { DIALOG_ID: "sg5" }))
      assert.isTrue(yield* ok(1, T0, "im.recent.hide", { DIALOG_ID: "chat999" }))
      assert.strictEqual((yield* fail(1, T0, "im.recent.hide", { DIALOG_ID: "" })).status, 400)
    })
  )
})

describe("im.message.add", () => {
  it.effect("never reuses a message id that a row or a relation still names (a deleted last message)", () =>
    Effect.gen(function* () {
      // a portal where the deleted message (the generator deletes one chat's last message) had the highest id
      const generated = Generator.generate({
        ...Generator.defaults(utc("2026-03-29T01:00:00Z")),
        seed: 317,
        users: 6,
        chats: 5,
        messages: { perChat: 4 },
        locale: "en",
        timeZone: "Europe/Berlin"
      })
      const existing = new Set(generated.messages.map((m) => m.id))
      const dangling = generated.recent.filter((r) => r.messageId > 0 && !existing.has(r.messageId))
      const highest = Math.max(...dangling.map((r) => r.messageId))
      assert.isAbove(highest, Math.max(...existing), "precondition: the deleted message had the highest id")
      const { ok, recent } = yield* session(generated)
      const dropped = `chat${dangling[0]!.chatId}`
      assert.isFalse((yield* recent(1, T0)).some((i) => i.id === dropped))
      const other = generated.relations.find((r) => r.userId === 1 && r.chatId !== dangling[0]!.chatId)!
      const id = yield* ok(1, T0, "im.message.add", { DIALOG_ID: `chat${other.chatId}`, MESSAGE: "new" })
      assert.isAbove(id as unknown as number, highest)
      assert.isFalse(
        (yield* recent(1, T0)).some((i) => i.id === dropped),
        "the deleted message stays deleted"
      )
    })
  )

  it.effect("to a chat: the new message id, raised rows for every member, counters for the others", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      const id = yield* ok(2, "2026-03-01T12:00:07Z", "im.message.add", {
        DIALOG_ID: "chat10",
        MESSAGE: "  [b]news[/b]\nhere "
      })
      assert.strictEqual(id, 103)
      const mine = (yield* recent(1, T0))[0]
      assert.deepStrictEqual(
        [
          mine.id,
          mine.counter,
          mine.message.id,
          mine.message.text,
          mine.message.author_id,
          mine.date_update,
          mine.date_last_activity,
          mine.message.date
        ],
        [
          "chat10",
          1,
          103,
          "news here",
          2,
          "2026-03-01T12:00:07+00:00",
          "2026-03-01T12:00:07+00:00",
          "2026-03-01T12:00:07+00:00"
        ]
      )
      const author = (yield* recent(2, T0)).find((i) => i.id === "chat10")
      assert.deepStrictEqual([author.counter, author.last_id, author.message.status], [0, 103, "received"])
      const third = (yield* recent(3, T0)).find((i) => i.id === "chat10")
      assert.strictEqual(third.counter, 1)
    })
  )

  it.effect("to a user with no dialog yet: the private chat is created and both get a row", () =>
    Effect.gen(function* () {
      const { ok, recent, state } = yield* session(portal())
      const id = yield* ok(1, "2026-03-01T12:01:00Z", "im.message.add", { DIALOG_ID: "4", MESSAGE: "hello" })
      const after = yield* state
      const chat = after.chats.find((c) => c.type === "P" && c.id > 20)!
      assert.strictEqual(after.messages.find((m) => m.id === id)!.chatId, chat.id)
      const mine = (yield* recent(1, T0))[0]
      assert.deepStrictEqual([mine.id, mine.chat_id, mine.counter, mine.type], [4, chat.id, 0, "user"])
      const theirs = (yield* recent(4, T0))[0]
      assert.deepStrictEqual([theirs.id, theirs.chat_id, theirs.counter, theirs.message.text], [1, chat.id, 1, "hello"])
      // the second message reuses the chat
      yield* ok(4, "2026-03-01T12:02:00Z", "im.message.add", { DIALOG_ID: 1, MESSAGE: "hi" })
      assert.strictEqual((yield* state).chats.length, after.chats.length)
      assert.strictEqual((yield* recent(1, T0))[0].counter, 1)
    })
  )

  it.effect("errors: empty message, unknown user, missing recipient, a chat the caller is not in", () =>
    Effect.gen(function* () {
      const { fail } = yield* session(portal())
      assert.deepStrictEqual(yield* fail(1, T0, "im.message.add", { DIALOG_ID: "chat10", MESSAGE: "  " }), {
        code: "MESSAGE_EMPTY",
        description: "Message can't be empty",
        status: 400
      })
      assert.strictEqual(
        (yield* fail(1, T0, "im.message.add", { DIALOG_ID: "chat10", MESSAGE: 5 })).description,
        "Wrong message type"
      )
      assert.strictEqual(
        (yield* fail(1, T0, "im.message.add", { DIALOG_ID: "999", MESSAGE: "x" })).code,
        "USER_NOT_FOUND"
      )
      assert.strictEqual(
        (yield* fail(1, T0, "im.message.add", { DIALOG_ID: "abc", MESSAGE: "x" })).code,
        "USER_ID_EMPTY"
      )
      assert.strictEqual((yield* fail(1, T0, "im.message.add", { MESSAGE: "x" })).code, "PARAMS_ERROR")
      assert.deepStrictEqual(yield* fail(1, T0, "im.message.add", { DIALOG_ID: "chat11", MESSAGE: "x" }), {
        code: "PARAMS_ERROR",
        description: "Message isn't added",
        status: 400
      })
    })
  )

  it.effect("channels take posts from managers only", () =>
    Effect.gen(function* () {
      const b = new Builder().user(1).user(2)
      b.groupChat(10, "N", [1, 2], 100, "2026-02-28T10:00:00+00:00", {
        chat: {
          ownerId: 1,
          permissions: {
            manageUsersAdd: "manager",
            manageUsersDelete: "manager",
            manageUi: "manager",
            manageSettings: "owner",
            canPost: "manager"
          }
        }
      })
      const { ok, fail } = yield* session(b.build())
      assert.strictEqual(
        (yield* fail(2, T0, "im.message.add", { DIALOG_ID: "chat10", MESSAGE: "x" })).code,
        "PARAMS_ERROR"
      )
      assert.strictEqual(yield* ok(1, T0, "im.message.add", { DIALOG_ID: "chat10", MESSAGE: "post" }), 101)
    })
  )
})

describe("im.dialog.read", () => {
  it.effect(
    "reads up to MESSAGE_ID or to the end, bumps date_update, and marks the messages delivered for their author",
    () =>
      Effect.gen(function* () {
        const { ok, recent } = yield* session(portal())
        yield* ok(2, "2026-03-01T12:00:01Z", "im.message.add", { DIALOG_ID: 1, MESSAGE: "one" })
        yield* ok(2, "2026-03-01T12:00:02Z", "im.message.add", { DIALOG_ID: 1, MESSAGE: "two" })
        assert.strictEqual((yield* recent(1, T0)).find((i) => i.id === 2).counter, 3)
        const partial = yield* ok(1, "2026-03-01T12:00:10Z", "im.dialog.read", { DIALOG_ID: 2, MESSAGE_ID: 103 })
        assert.deepStrictEqual(partial, { dialogId: 2, chatId: 20, lastId: 103, counter: 1 })
        const dialog = (yield* recent(1, T0)).find((i) => i.id === 2)
        assert.deepStrictEqual(
          [dialog.counter, dialog.last_id, dialog.date_update],
          [1, 103, "2026-03-01T12:00:10+00:00"]
        )
        const theirs = (yield* recent(2, T0)).find((i) => i.id === 1)
        assert.strictEqual(theirs.message.status, "received")
        assert.deepStrictEqual(yield* ok(1, "2026-03-01T12:00:11Z", "im.dialog.read", { DIALOG_ID: "2" }), {
          dialogId: 2,
          chatId: 20,
          lastId: 104,
          counter: 0
        })
        assert.strictEqual((yield* recent(2, T0)).find((i) => i.id === 1).message.status, "delivered")
      })
  )

  it.effect(
    "a read receipt does not touch the sender's row (as Reader::read): a full fetch shows delivered, the sender's delta does not",
    () =>
      Effect.gen(function* () {
        const { ok, recent } = yield* session(portal())
        yield* ok(1, "2026-03-01T12:00:01Z", "im.message.add", { DIALOG_ID: 2, MESSAGE: "to Bob" })
        yield* ok(1, "2026-03-01T12:00:02Z", "im.message.add", { DIALOG_ID: "chat10", MESSAGE: "to the group" })
        const before = yield* recent(1, "2026-03-01T12:00:05Z")
        yield* ok(2, "2026-03-01T12:00:10Z", "im.dialog.read", { DIALOG_ID: 1 })
        yield* ok(3, "2026-03-01T12:00:11Z", "im.dialog.read", { DIALOG_ID: "chat10" })
        const after = yield* recent(1, "2026-03-01T12:00:20Z")
        for (const id of [2, "chat10"]) {
          const old = before.find((i) => i.id === id)
          const now = after.find((i) => i.id === id)
          assert.deepStrictEqual([old.message.status, now.message.status], ["received", "delivered"])
          assert.strictEqual(now.date_update, old.date_update)
        }
        // the group's other reader sees it too, without a bump: only the reader's own row moves
        const bobsGroup = (yield* recent(2, "2026-03-01T12:00:20Z")).find((i) => i.id === "chat10")
        assert.strictEqual(bobsGroup.message.status, "delivered")
        assert.strictEqual(bobsGroup.date_update, "2026-03-01T12:00:02+00:00")
        const carolsGroup = (yield* recent(3, "2026-03-01T12:00:20Z")).find((i) => i.id === "chat10")
        assert.strictEqual(carolsGroup.date_update, "2026-03-01T12:00:11+00:00")
        const delta = yield* recent(1, "2026-03-01T12:00:20Z", { LAST_SYNC_DATE: "2026-03-01T12:00:05+00:00" })
        assert.deepStrictEqual(delta, [])
      })
  )

  it.effect("a dialog the caller is not in answers false; a malformed id is DIALOG_ID_EMPTY", () =>
    Effect.gen(function* () {
      const { ok, fail } = yield* session(portal())
      assert.isFalse(yield* ok(1, T0, "im.dialog.read", { DIALOG_ID: "chat11" }))
      assert.isFalse(yield* ok(1, T0, "im.dialog.read", { DIALOG_ID: "4" }))
      assert.strictEqual((yield* fail(1, T0, "im.dialog.read", { DIALOG_ID: "x1" })).code, "DIALOG_ID_EMPTY")
    })
  )
})

describe("concurrent writes", () => {
  it.effect("serialise: every message gets its own id and every member row counts them all", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      const ids = yield* Effect.all(
        Array.from({ length: 20 }, (_, i) =>
          ok(2 + (i % 2), `2026-03-01T12:00:${String(10 + i)}Z`, "im.message.add", {
            DIALOG_ID: "chat10",
            MESSAGE: `m${i}`
          })
        ),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(
        [...ids].sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => 103 + i)
      )
      assert.strictEqual((yield* recent(1, T0)).find((i) => i.id === "chat10").counter, 20)
    })
  )
})

describe("the engine reads the clock only from the call context", () => {
  it.effect("under TestClock (at 1970) the 30-day window still ends at the context's now", () =>
    Effect.gen(function* () {
      const b = new Builder().user(1).user(2)
      b.groupChat(10, "C", [1, 2], 100, "2025-01-01T10:00:00+00:00")
      b.groupChat(11, "C", [1, 2], 101, "2026-02-28T10:00:00+00:00")
      const { recent } = yield* session(b.build())
      assert.strictEqual((yield* DateTime.now).epochMillis, 0)
      assert.deepStrictEqual(ids(yield* recent(1, T0)), ["chat11"])
    })
  )
})
