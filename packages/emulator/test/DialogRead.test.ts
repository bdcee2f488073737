import { assert, describe, it } from "@effect/vitest"
import { CountersGet, DialogGet } from "@im-recent/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as DialogRead from "../src/DialogRead.js"
import * as Generator from "../src/Generator.js"
import { Builder, utc } from "./support.js"

const now = utc("2026-03-01T12:00:00Z")

const portal = () => {
  const b = new Builder().user(1).user(2, { firstName: "Ivan", lastName: "Petrov" }).user(3).user(4)
  b.dialog(20, 2, 100, "2026-02-28T10:00:00+00:00", { read: false })
  b.groupChat(10, "C", [1, 2, 3], 101, "2026-02-28T11:00:00+00:00", { authorId: 2 })
  b.groupChat(11, "C", [2, 3], 102, "2026-02-28T11:30:00+00:00", { authorId: 3 })
  b.groupChat(12, "O", [2, 3], 103, "2026-02-28T11:40:00+00:00", { authorId: 3 })
  return b.build()
}

describe("im.dialog.get", () => {
  it.effect(
    "answers the chat of a dialog the caller is in, with dialog_id echoed with its JSON type (CIMRestService::dialogGet)",
    () =>
      Effect.gen(function* () {
        const chat = yield* DialogRead.get(portal(), 1, now, { DIALOG_ID: "chat10" })
        assert.deepStrictEqual(
          [chat.id, chat.dialog_id, chat.role, chat.user_counter, chat.message_count, chat.counter],
          [10, "chat10", "member", 3, 1, 0]
        )
        const dialog = yield* DialogRead.get(portal(), 1, now, { DIALOG_ID: 2 })
        assert.deepStrictEqual([dialog.id, dialog.dialog_id, dialog.counter, dialog.unread_id], [20, 2, 1, 100])
        const asText = yield* DialogRead.get(portal(), 1, now, { DIALOG_ID: "2" })
        assert.strictEqual(asText.dialog_id, "2")
      })
  )

  it.effect("errors: DIALOG_ID_EMPTY (400), ACCESS_ERROR (403) without access, ACCESS_ERROR (400) without a chat", () =>
    Effect.gen(function* () {
      const failure = (params: Record<string, unknown>) =>
        Effect.map(Effect.flip(DialogRead.get(portal(), 1, now, params)), (e) => [e.code, e.status, e.description])
      assert.deepStrictEqual(yield* failure({ DIALOG_ID: "" }), ["DIALOG_ID_EMPTY", 400, "Dialog ID can't be empty"])
      assert.deepStrictEqual(yield* failure({ DIALOG_ID: "chat11" }), [
        "ACCESS_ERROR",
        403,
        "You do not have access to the specified dialog"
      ])
      assert.deepStrictEqual(yield* failure({ DIALOG_ID: "chat999" }), [
        "ACCESS_ERROR",
        403,
        "You do not have access to the specified dialog"
      ])
      assert.deepStrictEqual(yield* failure({ DIALOG_ID: "4" }), [
        "ACCESS_ERROR",
        400,
        "You don't have access to this chat"
      ])
    })
  )

  it.effect("intranet users may look into open chats they are not in", () =>
    Effect.gen(function* () {
      const chat = yield* DialogRead.get(portal(), 1, now, { DIALOG_ID: "chat12" })
      assert.deepStrictEqual([chat.role, chat.last_id], ["guest", 0])
    })
  )

  it.effect("generated chats decode with the domain's Dialog schema", () =>
    Effect.sync(() => {
      const state = Generator.generate({
        seed: 4,
        users: 16,
        chats: 12,
        messages: { perChat: 5 },
        locale: "en",
        now,
        timeZone: "UTC"
      })
      const decode = Schema.decodeUnknownEither(DialogGet.Dialog, { onExcessProperty: "error" })
      let checked = 0
      for (const chat of state.chats) {
        const result = DialogRead.get(state, 1, now, { DIALOG_ID: `chat${chat.id}` })
        if (Either.isLeft(result)) continue
        // The server adds path/path_title only for entity types whose options define them (CRM, tasks, workgroups); the domain's
        // Dialog schema requires them, so the others are checked with empty ones added.
        const restrictions = result.right.restrictions as Record<string, unknown>
        assert.strictEqual("path" in restrictions, ["CRM", "TASKS", "SONET_GROUP"].includes(chat.entityType))
        const decoded = decode({ ...result.right, restrictions: { path: "", path_title: "", ...restrictions } })
        if (Either.isLeft(decoded)) assert.fail(`chat${chat.id}: ${decoded.left.message}`)
        assert.strictEqual(result.right.id, chat.id)
        checked++
      }
      assert.isAbove(checked, 5)
    })
  )
})

describe("im.counters.get", () => {
  it.effect("counts unread messages per dialog partner and per chat; muted chats apart; [] for empty maps", () =>
    Effect.sync(() => {
      const b = new Builder().user(1).user(2).user(3)
      b.dialog(20, 2, 100, "2026-02-28T10:00:00+00:00", { read: false })
      b.chat(10, "C").member(10, 1).member(10, 2)
      b.message(101, 10, 2, "a", "2026-02-28T10:00:00+00:00").message(102, 10, 2, "b", "2026-02-28T10:01:00+00:00")
      b.chat(11, "C").member(11, 1, { muted: true }).member(11, 3)
      b.message(103, 11, 3, "c", "2026-02-28T10:02:00+00:00")
      b.row(1, "C", 10, 10, 102, "2026-02-28T10:01:00+00:00", { unread: true })
      const counters = DialogRead.counters(b.build(), 1)
      assert.strictEqual(
        JSON.stringify(counters),
        JSON.stringify({
          TYPE: { ALL: 3, NOTIFY: 0, CHAT: 2, LINES: 0, DIALOG: 1, MESSENGER: 3 },
          CHAT: { 10: 2 },
          CHAT_MUTED: { 11: 1 },
          CHAT_UNREAD: [10],
          LINES: [],
          DIALOG: { 2: 1 },
          DIALOG_UNREAD: []
        })
      )
      assert.isTrue(
        Either.isRight(Schema.decodeUnknownEither(CountersGet.Counters, { onExcessProperty: "error" })(counters))
      )
    })
  )
})
