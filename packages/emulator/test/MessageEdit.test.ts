import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { PortalState } from "../src/PortalState.js"
import { Builder, ids, session, type Wire } from "./support.js"

const T0 = "2026-03-01T12:00:00Z"
const SENT = "2026-02-28T11:00:00+00:00"

/** User 1 in a dialog with 2 (message 100 from 2) and group chat 10 with 2 and 3 (message 101 from 2, a file). */
const portal = (language: "en" | "ru" = "en"): PortalState => {
  const b = new Builder({ language }).user(1).user(2).user(3)
  b.dialog(20, 2, 100, "2026-02-28T10:00:00+00:00", { read: false })
  b.groupChat(10, "C", [1, 2, 3], 101, SENT, { authorId: 2 })
  const state = b.build()
  return {
    ...state,
    messages: state.messages.map((m) => (m.id === 101 ? { ...m, file: { id: 5, type: "file", name: "a.pdf" } } : m))
  }
}

const item = (items: ReadonlyArray<Wire>, id: number | string): Wire => items.find((i) => i.id === id)

const cantEdit = {
  code: "CANT_EDIT_MESSAGE",
  description: "Time has expired for modification or you don't have access",
  status: 403
}

describe("im.message.update", () => {
  it.effect(
    "the author's edit of a last message: new text and date_update for every member, same place and dates",
    () =>
      Effect.gen(function* () {
        const { ok, recent } = yield* session(portal())
        const before = yield* recent(1, T0)
        assert.isTrue(
          yield* ok(2, "2026-03-01T12:00:05.400Z", "im.message.update", { MESSAGE_ID: 101, MESSAGE: "edited" })
        )
        const after = yield* recent(1, T0)
        assert.deepStrictEqual(ids(after), ids(before))
        const chat = item(after, "chat10")
        assert.strictEqual(chat.message.text, "edited [File]")
        assert.strictEqual(chat.date_update, "2026-03-01T12:00:05+00:00")
        assert.strictEqual(chat.message.date, SENT)
        assert.strictEqual(chat.date_last_activity, SENT)
        assert.strictEqual(item(yield* recent(3, T0), "chat10").date_update, "2026-03-01T12:00:05+00:00")
        // the dialog, whose last message is another one, is untouched
        assert.deepStrictEqual(item(after, 2), item(before, 2))
        // a delta from just before the edit carries exactly that item
        assert.deepStrictEqual(ids(yield* recent(1, T0, { LAST_SYNC_DATE: "2026-03-01T12:00:05+00:00" })), ["chat10"])
      })
  )

  it.effect("only the author may edit, within 3 days of sending: CANT_EDIT_MESSAGE (403) otherwise", () =>
    Effect.gen(function* () {
      const { fail, ok } = yield* session(portal())
      assert.deepStrictEqual(yield* fail(1, T0, "im.message.update", { MESSAGE_ID: 101, MESSAGE: "mine?" }), cantEdit)
      assert.deepStrictEqual(yield* fail(2, T0, "im.message.update", { MESSAGE_ID: 999, MESSAGE: "x" }), cantEdit)
      // sent 2026-02-28T11:00:00: editable up to and including 259 200 seconds later
      assert.deepStrictEqual(
        yield* fail(2, "2026-03-03T11:00:01Z", "im.message.update", { MESSAGE_ID: 101, MESSAGE: "late" }),
        cantEdit
      )
      assert.isTrue(yield* ok(2, "2026-03-03T11:00:00.900Z", "im.message.update", { ID: 101, MESSAGE: "just in time" }))
      // deleting has no time limit
      assert.isTrue(yield* ok(2, "2026-04-01T00:00:00Z", "im.message.delete", { MESSAGE_ID: 101 }))
    })
  )

  it.effect("a missing or non-positive MESSAGE_ID (or ID) is MESSAGE_ID_ERROR (400)", () =>
    Effect.gen(function* () {
      const { fail } = yield* session(portal())
      for (const params of [{}, { MESSAGE_ID: 0 }, { MESSAGE_ID: "abc" }, { ID: -3 }]) {
        for (const method of ["im.message.update", "im.message.delete"]) {
          assert.deepStrictEqual(yield* fail(2, T0, method, { ...params, MESSAGE: "x" }), {
            code: "MESSAGE_ID_ERROR",
            description: "Message ID can't be empty",
            status: 400
          })
        }
      }
      // PHP's intval of a non-empty array is 1: message 1, which does not exist
      assert.deepStrictEqual(yield* fail(2, T0, "im.message.update", { MESSAGE_ID: ["101"], MESSAGE: "x" }), cantEdit)
    })
  )

  it.effect("an empty text deletes the message; a deleted message cannot be edited again", () =>
    Effect.gen(function* () {
      const { fail, ok, recent } = yield* session(portal())
      const before = item(yield* recent(1, T0), "chat10")
      assert.isTrue(yield* ok(2, "2026-03-01T12:00:05Z", "im.message.update", { MESSAGE_ID: 101, MESSAGE: " [BR] " }))
      const after = item(yield* recent(1, T0), "chat10")
      assert.deepStrictEqual(
        [after.message.text, after.message.file, after.date_update],
        ["This message has been deleted.", false, before.date_update]
      )
      assert.deepStrictEqual(yield* fail(2, T0, "im.message.update", { MESSAGE_ID: 101, MESSAGE: "again" }), cantEdit)
    })
  )

  it.effect("without anything to change it answers true and changes nothing", () =>
    Effect.gen(function* () {
      const { ok, state } = yield* session(portal())
      const before = yield* state
      assert.isTrue(yield* ok(2, T0, "im.message.update", { MESSAGE_ID: 101 }))
      assert.strictEqual(yield* state, before)
    })
  )

  it.effect(
    "ATTACH: checked against the author first; N removes it, a structure sets it, anything else is ATTACH_ERROR",
    () =>
      Effect.gen(function* () {
        const { fail, ok, recent } = yield* session(portal())
        assert.deepStrictEqual(yield* fail(1, T0, "im.message.update", { MESSAGE_ID: 101, ATTACH: "N" }), cantEdit)
        assert.deepStrictEqual(yield* fail(2, T0, "im.message.update", { MESSAGE_ID: 101, ATTACH: "not json" }), {
          code: "ATTACH_ERROR",
          description: "Incorrect attach params",
          status: 400
        })
        yield* ok(2, T0, "im.message.update", { MESSAGE_ID: 101, ATTACH: { BLOCKS: [{ MESSAGE: "hi" }] } })
        assert.strictEqual(item(yield* recent(1, T0), "chat10").message.text, "hello [Attachment] [File]")
        yield* ok(2, T0, "im.message.update", { MESSAGE_ID: 101, ATTACH: "N" })
        assert.strictEqual(item(yield* recent(1, T0), "chat10").message.text, "hello [File]")
        // the menu is checked against the raw MESSAGE_ID: sent as ID it refers to no message
        assert.deepStrictEqual(yield* fail(2, T0, "im.message.update", { ID: 101, MENU: "N" }), cantEdit)
        assert.isTrue(yield* ok(2, T0, "im.message.update", { MESSAGE_ID: 101, KEYBOARD: "N" }))
        assert.deepStrictEqual(
          (yield* fail(2, T0, "im.message.update", { MESSAGE_ID: 101, KEYBOARD: "{" })).code,
          "KEYBOARD_ERROR"
        )
      })
  )

  it.effect("a MESSAGE that is not text answers 500, as PHP cannot take an array as a string", () =>
    Effect.gen(function* () {
      const { fail } = yield* session(portal())
      assert.deepStrictEqual((yield* fail(2, T0, "im.message.update", { MESSAGE_ID: 101, MESSAGE: ["a"] })).status, 500)
    })
  )
})

describe("im.message.delete", () => {
  it.effect("the author deletes softly: the item stays with the portal's label, its dates and counters unchanged", () =>
    Effect.gen(function* () {
      for (const [language, label] of [
        ["en", "This message has been deleted."],
        ["ru", "Это сообщение было удалено."]
      ] as const) {
        const { ok, recent } = yield* session(portal(language))
        const counters = yield* ok(3, T0, "im.counters.get")
        const before = yield* recent(3, T0)
        assert.isTrue(yield* ok(2, "2026-03-01T12:00:05Z", "im.message.delete", { MESSAGE_ID: 101 }))
        const after = yield* recent(3, T0)
        assert.deepStrictEqual(ids(after), ids(before))
        const chat = item(after, "chat10")
        assert.deepStrictEqual(
          [chat.message.id, chat.message.text, chat.message.file, chat.message.attach, chat.date_update],
          [101, label, false, false, item(before, "chat10").date_update]
        )
        assert.deepStrictEqual(yield* ok(3, T0, "im.counters.get"), counters)
      }
    })
  )

  it.effect("someone else's, a missing or an already deleted message is CANT_EDIT_MESSAGE (403)", () =>
    Effect.gen(function* () {
      const { fail, ok } = yield* session(portal())
      assert.deepStrictEqual(yield* fail(1, T0, "im.message.delete", { MESSAGE_ID: 101 }), cantEdit)
      assert.deepStrictEqual(yield* fail(2, T0, "im.message.delete", { MESSAGE_ID: 12345 }), cantEdit)
      yield* ok(2, T0, "im.message.delete", { ID: "101" })
      assert.deepStrictEqual(yield* fail(2, T0, "im.message.delete", { MESSAGE_ID: 101 }), cantEdit)
    })
  )
})
