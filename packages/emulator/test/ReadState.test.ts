import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { PortalState } from "../src/PortalState.js"
import { Builder, session, type Wire } from "./support.js"

const T0 = "2026-03-01T12:00:00Z"

/** User 1: a dialog with 2 (message 100, unread), chat 10 (messages 101, 107 from 2, read), a notifications chat. */
const portal = (): PortalState => {
  const b = new Builder().user(1).user(2).user(3)
  b.dialog(20, 2, 100, "2026-02-28T10:00:00+00:00", { read: false })
  b.groupChat(10, "C", [1, 2], 101, "2026-02-28T11:00:00+00:00", { authorId: 2, row: { unread: true } })
  b.message(107, 10, 2, "more", "2026-02-28T11:05:00+00:00")
  b.chat(30, "S").member(30, 1).message(108, 30, 0, "You were mentioned", "2026-02-28T12:00:00+00:00")
  const state = b.build()
  return {
    ...state,
    relations: state.relations.map((r) => (r.chatId === 10 ? { ...r, lastReadMessageId: 107 } : r)),
    recent: state.recent.map((r) => (r.chatId === 10 ? { ...r, messageId: 107 } : r))
  }
}

const item = (items: ReadonlyArray<Wire>, id: number | string): Wire => items.find((i) => i.id === id)

describe("im.dialog.unread", () => {
  it.effect("a chat: that message and the later ones are unread again; the row's date_update moves", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      assert.strictEqual(item(yield* recent(1, T0), "chat10").counter, 0)
      assert.isTrue(yield* ok(1, "2026-03-01T12:00:03Z", "im.dialog.unread", { DIALOG_ID: "chat10", MESSAGE_ID: 107 }))
      const once = item(yield* recent(1, T0), "chat10")
      assert.deepStrictEqual([once.counter, once.last_id, once.date_update], [1, 101, "2026-03-01T12:00:03+00:00"])
      yield* ok(1, T0, "im.dialog.unread", { DIALOG_ID: "chat10", MESSAGE_ID: "101" })
      assert.strictEqual(item(yield* recent(1, T0), "chat10").counter, 2)
    })
  )

  it.effect("a user: only a message of the private chat of the two counts; always true", () =>
    Effect.gen(function* () {
      const { ok, recent, state } = yield* session(portal())
      yield* ok(1, T0, "im.dialog.read", { DIALOG_ID: 2 })
      assert.strictEqual(item(yield* recent(1, T0), 2).counter, 0)
      const before = yield* state
      assert.isTrue(yield* ok(1, T0, "im.dialog.unread", { DIALOG_ID: 2, MESSAGE_ID: 101 }))
      assert.isTrue(yield* ok(1, T0, "im.dialog.unread", { DIALOG_ID: 3, MESSAGE_ID: 100 }))
      assert.isTrue(yield* ok(1, T0, "im.dialog.unread", { DIALOG_ID: "chat11", MESSAGE_ID: 100 }))
      assert.strictEqual(yield* state, before)
      yield* ok(1, T0, "im.dialog.unread", { DIALOG_ID: 2, MESSAGE_ID: 100 })
      assert.strictEqual(item(yield* recent(1, T0), 2).counter, 1)
    })
  )

  it.effect("MESSAGE_ID is checked first (MESSAGE_ID_ERROR), then DIALOG_ID (DIALOG_ID_EMPTY)", () =>
    Effect.gen(function* () {
      const { fail } = yield* session(portal())
      const noMessage = { code: "MESSAGE_ID_ERROR", description: "First unread message id can't be empty", status: 400 }
      assert.deepStrictEqual(yield* fail(1, T0, "im.dialog.unread", {}), noMessage)
      assert.deepStrictEqual(yield* fail(1, T0, "im.dialog.unread", { DIALOG_ID: "chat10", MESSAGE_ID: 0 }), noMessage)
      assert.deepStrictEqual(yield* fail(1, T0, "im.dialog.unread", { DIALOG_ID: "notify", MESSAGE_ID: 5 }), {
        code: "DIALOG_ID_EMPTY",
        description: "Dialog ID can't be empty",
        status: 400
      })
    })
  )
})

describe("im.dialog.read.all", () => {
  it.effect("reads every dialog and chat but the notifications and clears the marks, without moving date_update", () =>
    Effect.gen(function* () {
      const { ok, recent } = yield* session(portal())
      const before = yield* recent(1, T0)
      assert.deepStrictEqual([item(before, 2).counter, item(before, "chat10").unread], [1, true])
      assert.strictEqual((yield* ok(1, T0, "im.counters.get")).TYPE.NOTIFY, 1)
      assert.isTrue(yield* ok(1, "2026-03-01T12:00:09Z", "im.dialog.read.all"))
      const after = yield* recent(1, T0)
      for (const id of [2, "chat10"]) {
        assert.deepStrictEqual(
          [item(after, id).counter, item(after, id).unread, item(after, id).date_update],
          [0, false, item(before, id).date_update]
        )
      }
      const counters = yield* ok(1, T0, "im.counters.get")
      assert.deepStrictEqual([counters.TYPE.MESSENGER, counters.TYPE.NOTIFY, counters.CHAT_UNREAD], [0, 1, []])
    })
  )
})
