import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { PortalState } from "../src/PortalState.js"
import * as RecentRead from "../src/RecentRead.js"
import { atom, Builder, ids, utc, type Wire } from "./support.js"

const now = utc("2026-03-01T12:00:00Z")
const get = (state: PortalState, params: Record<string, unknown> = {}, userId = 1): Array<Wire> =>
  RecentRead.get(state, userId, now, params)
const test = (name: string, body: () => void) => it.effect(name, () => Effect.sync(body))

/** One item of every type letter for user 1, all on 2026-02-28 at different minutes. */
const everyType = (): PortalState => {
  const b = new Builder().user(1).user(2)
  const types = ["C", "O", "N", "J", "B", "A", "X", "L", "S", "T"] as const
  types.forEach((type, i) => {
    b.groupChat(10 + i, type, [1, 2], 100 + i, `2026-02-28T10:${String(10 + i)}:00+00:00`)
  })
  b.dialog(30, 2, 130, "2026-02-28T11:00:00+00:00")
  return b.build()
}
const typesOf = (items: Array<Wire>): Array<string> =>
  items.map((item) => (item.type === "user" ? "P" : item.chat.message_type)).sort()

describe("im.recent.get parameters (server-semantics §10.1)", () => {
  test("parameter names are case-insensitive", () => {
    const state = everyType()
    assert.deepStrictEqual(typesOf(get(state, { skip_dialog: "Y" })), typesOf(get(state, { SKIP_DIALOG: "Y" })))
    assert.isFalse(typesOf(get(state, { Skip_Dialog: "Y" })).includes("P"))
  })

  test("a flag is on only for exactly 'Y'", () => {
    const state = everyType()
    for (const off of ["y", "N", "yes", true, 1, "1"]) {
      assert.isTrue(typesOf(get(state, { SKIP_DIALOG: off })).includes("P"), String(off))
    }
  })

  test("unknown parameters, LIMIT and OFFSET are ignored", () => {
    const state = everyType()
    assert.deepStrictEqual(ids(get(state, { LIMIT: 1, OFFSET: 5, LAST_ID: 3, FOO: "Y" })), ids(get(state)))
  })
})

describe("im.recent.get windows (§10.2)", () => {
  const aged = (): PortalState => {
    const b = new Builder().user(1).user(2)
    const days = [1, 5, 6, 8, 20, 29, 31, 45]
    days.forEach((d, i) => {
      const date = new Date(Date.parse("2026-03-01T12:00:00Z") - d * 86_400_000)
        .toISOString()
        .replace(".000Z", "+00:00")
      b.groupChat(100 + i, "C", [1, 2], 1000 + i, date)
    })
    return b.build()
  }
  const ages = (items: Array<Wire>) =>
    items.map((item) => (Date.parse("2026-03-01T12:00:00Z") - Date.parse(item.date_update)) / 86_400_000)

  test("without a sync date the window is the last 30 days", () => {
    assert.deepStrictEqual(ages(get(aged())), [1, 5, 6, 8, 20, 29])
  })

  test("a sync date older than 7 days is clamped to 7 days", () => {
    assert.deepStrictEqual(ages(get(aged(), { LAST_SYNC_DATE: "2026-02-01T00:00:00+00:00" })), [1, 5, 6])
  })

  test("a sync date within 7 days is the lower bound, inclusive to the second", () => {
    assert.deepStrictEqual(ages(get(aged(), { LAST_SYNC_DATE: "2026-02-24T12:00:00+00:00" })), [1, 5])
    assert.deepStrictEqual(ages(get(aged(), { LAST_SYNC_DATE: "2026-02-23T12:00:00+00:00" })), [1, 5, 6])
  })

  test("LAST_UPDATE replaces LAST_SYNC_DATE, even when it is invalid", () => {
    const state = aged()
    assert.deepStrictEqual(
      ages(get(state, { LAST_UPDATE: "2026-02-27T00:00:00+00:00", LAST_SYNC_DATE: "2026-02-20T00:00:00+00:00" })),
      [1]
    )
    assert.deepStrictEqual(
      ages(get(state, { LAST_UPDATE: "garbage", LAST_SYNC_DATE: "2026-02-27T00:00:00+00:00" })),
      [1, 5, 6, 8, 20, 29]
    )
  })

  test("invalid dates are ignored: the default window applies", () => {
    for (const value of ["2026-02-27 00:00:00", "1772000000", "", "0", "2026-02-27T00:00+00:00"]) {
      assert.deepStrictEqual(ages(get(aged(), { LAST_SYNC_DATE: value })), [1, 5, 6, 8, 20, 29], value)
    }
  })

  test("a zone the parser drops (Z) reads the wall clock in the server's zone", () => {
    const b = new Builder({ timeZone: "Europe/Moscow" }).user(1).user(2)
    b.groupChat(10, "C", [1, 2], 100, "2026-02-28T10:00:00+00:00")
    const state = b.build()
    // 12:00 Moscow is 09:00 UTC: the row (10:00 UTC) is in; read as UTC it would be out.
    assert.deepStrictEqual(ids(get(state, { LAST_SYNC_DATE: "2026-02-28T12:00:00Z" })), ["chat10"])
    assert.deepStrictEqual(ids(get(state, { LAST_SYNC_DATE: "2026-02-28T12:00:00+00:00" })), [])
  })

  test("a future sync date selects nothing", () => {
    assert.deepStrictEqual(get(aged(), { LAST_SYNC_DATE: "2026-03-05T00:00:00+00:00" }), [])
  })

  test("ONLY_OPENLINES has no window at all and ignores the sync date", () => {
    const b = new Builder().user(1).user(2)
    b.groupChat(10, "L", [1, 2], 100, "2025-11-01T10:00:00+00:00")
    b.groupChat(11, "C", [1, 2], 101, "2026-02-28T10:00:00+00:00")
    assert.deepStrictEqual(ids(get(b.build(), { ONLY_OPENLINES: "Y", LAST_SYNC_DATE: "2026-02-28T00:00:00+00:00" })), [
      "chat10"
    ])
    assert.deepStrictEqual(ids(get(b.build())), ["chat11"])
  })
})

describe("im.recent.get type filters (§10.3)", () => {
  test("SKIP_CHAT removes only group (C) and open (O) chats", () => {
    assert.deepStrictEqual(typesOf(get(everyType(), { SKIP_CHAT: "Y" })), ["A", "B", "J", "L", "N", "P", "S", "T", "X"])
  })

  test("SKIP_DIALOG removes only one-to-one dialogs, SKIP_OPENLINES only open lines", () => {
    assert.isFalse(typesOf(get(everyType(), { SKIP_DIALOG: "Y" })).includes("P"))
    assert.strictEqual(typesOf(get(everyType(), { SKIP_DIALOG: "Y" })).length, 10)
    assert.deepStrictEqual(typesOf(get(everyType(), { SKIP_OPENLINES: "Y" })).includes("L"), false)
    assert.strictEqual(typesOf(get(everyType(), { SKIP_OPENLINES: "Y" })).length, 10)
  })

  test("external (task) chats stay in im.recent.get", () => {
    assert.isTrue(typesOf(get(everyType())).includes("X"))
  })

  test("ONLY_OPENLINES wins over the SKIP_ flags", () => {
    assert.deepStrictEqual(typesOf(get(everyType(), { ONLY_OPENLINES: "Y", SKIP_OPENLINES: "Y", SKIP_CHAT: "Y" })), [
      "L"
    ])
  })

  test("copilot chats are left out when the portal has no copilot history", () => {
    const state = everyType()
    const without = { ...state, portal: { ...state.portal, copilotHistoryAvailable: false } }
    assert.isTrue(typesOf(get(state)).includes("A"))
    assert.isFalse(typesOf(get(without)).includes("A"))
  })
})

describe("im.recent.get order (§10.4)", () => {
  test("pinned first, then message date (whole seconds) descending, then id with PHP 8 comparison", () => {
    const b = new Builder().user(1).user(5).user(123).user(2)
    const same = "2026-02-28T10:00:00+00:00"
    b.groupChat(10, "C", [1, 2], 200, same)
    b.groupChat(100, "C", [1, 2], 201, same)
    b.groupChat(9, "C", [1, 2], 202, same)
    b.dialog(50, 5, 203, same)
    b.dialog(51, 123, 204, same)
    b.groupChat(7, "C", [1, 2], 205, "2026-02-20T10:00:00+00:00", { row: { pinned: true } })
    b.groupChat(8, "C", [1, 2], 206, "2026-02-28T11:00:00+00:00")
    assert.deepStrictEqual(ids(get(b.build())), ["chat7", "chat8", "chat9", "chat100", "chat10", 123, 5])
  })

  test("the date is DATE_MESSAGE (falling back to DATE_UPDATE), not date_update", () => {
    const b = new Builder().user(1).user(2)
    // chat10 was touched (pinned elsewhere, read…) after chat11, but its message is older
    b.groupChat(10, "C", [1, 2], 100, "2026-02-20T10:00:00+00:00", {
      row: { dateUpdate: atom("2026-02-27T10:00:00+00:00") }
    })
    b.groupChat(11, "C", [1, 2], 101, "2026-02-21T10:00:00+00:00")
    b.groupChat(12, "C", [1, 2], 102, "2026-02-19T10:00:00+00:00", {
      row: { dateMessage: null, dateUpdate: atom("2026-02-22T10:00:00+00:00") }
    })
    const items = get(b.build())
    assert.deepStrictEqual(ids(items), ["chat12", "chat11", "chat10"])
    assert.strictEqual(items[0].message.date, "2026-02-22T10:00:00+00:00")
  })
})

describe("rows the server drops (§2.3)", () => {
  test("chat rows without their message, relation or chat are dropped", () => {
    const b = new Builder().user(1).user(2)
    b.groupChat(10, "C", [1, 2], 100, "2026-02-28T10:00:00+00:00")
    b.groupChat(11, "C", [1, 2], 101, "2026-02-28T10:01:00+00:00")
    b.groupChat(12, "C", [1, 2], 102, "2026-02-28T10:02:00+00:00")
    b.groupChat(13, "C", [1, 2], 103, "2026-02-28T10:03:00+00:00")
    const state = b.build()
    const broken: PortalState = {
      ...state,
      messages: state.messages.filter((m) => m.id !== 101),
      relations: state.relations.filter((r) => !(r.chatId === 12 && r.userId === 1)),
      chats: state.chats.filter((c) => c.id !== 13)
    }
    assert.deepStrictEqual(ids(get(broken)), ["chat10"])
  })

  test("a chat row with no message id is dropped, a dialog row keeps a fallback message without uuid", () => {
    const b = new Builder().user(1).user(2)
    b.groupChat(10, "C", [1, 2], 100, "2026-02-28T10:00:00+00:00", { row: { messageId: 0 } })
    b.dialog(20, 2, 101, "2026-02-28T10:05:00+00:00", { row: { messageId: 0, dateMessage: null } })
    const [item] = get(b.build())
    assert.strictEqual(get(b.build()).length, 1)
    assert.strictEqual(
      JSON.stringify(item.message),
      JSON.stringify({
        id: 0,
        text: "",
        file: false,
        author_id: 0,
        attach: false,
        sticker: null,
        date: "2026-02-28T10:05:00+00:00",
        status: "received"
      })
    )
  })

  test("duplicate keys: the first chat row wins; a later dialog row with a message replaces one without, in place", () => {
    const b = new Builder().user(1).user(2).user(3)
    b.groupChat(10, "C", [1, 2], 100, "2026-02-28T10:00:00+00:00")
    b.row(1, "O", 10, 10, 100, "2026-02-28T10:00:00+00:00", { pinned: true })
    b.dialog(20, 3, 101, "2026-02-28T10:05:00+00:00", { row: { messageId: 0 } })
    b.row(1, "P", 3, 20, 101, "2026-02-28T10:05:00+00:00")
    b.row(1, "P", 3, 20, 0, "2026-02-28T10:06:00+00:00")
    const items = get(b.build())
    assert.deepStrictEqual(ids(items), [3, "chat10"])
    assert.isFalse(items[1].pinned)
    assert.strictEqual(items[0].message.id, 101)
  })

  test("dialogs with the Copilot bot are dropped", () => {
    const b = new Builder().user(1).user(2, { bot: true, copilot: true })
    b.dialog(20, 2, 100, "2026-02-28T10:00:00+00:00", { read: false })
    assert.deepStrictEqual(get(b.build()), [])
  })

  test("dialogs with fired users are dropped when nothing is unread, unless the user is a bot, connector or network user", () => {
    const b = new Builder()
      .user(1)
      .user(2, { active: false })
      .user(3, { active: false })
      .user(4, { active: false, bot: true })
      .user(5, { active: false, connector: true })
      .user(6, { active: false, network: true })
    b.dialog(20, 2, 100, "2026-02-28T10:00:00+00:00")
    b.dialog(21, 3, 101, "2026-02-28T10:01:00+00:00", { read: false })
    b.dialog(22, 4, 102, "2026-02-28T10:02:00+00:00")
    b.dialog(23, 5, 103, "2026-02-28T10:03:00+00:00")
    b.dialog(24, 6, 104, "2026-02-28T10:04:00+00:00")
    assert.deepStrictEqual(ids(get(b.build())), [6, 5, 4, 3])
  })

  test("a user who does not exist gives [] for user, avatar and title", () => {
    const b = new Builder().user(1)
    b.row(1, "P", 77, 0, 0, "2026-02-28T10:00:00+00:00", { dateMessage: null })
    const [item] = get(b.build())
    assert.strictEqual(
      JSON.stringify([item.avatar, item.title, item.user, item.chat, item.chat_id]),
      JSON.stringify([[], [], [], { text_field_enabled: true, background_id: null, mute_list: [] }, 0])
    )
  })

  test("the caller's rows only, never the shared USER_ID 0 rows", () => {
    const b = new Builder().user(1).user(2).user(3)
    b.groupChat(10, "C", [2, 3], 100, "2026-02-28T10:00:00+00:00")
    b.row(0, "P", 3, 0, 0, "2026-02-28T10:00:00+00:00")
    assert.deepStrictEqual(get(b.build()), [])
    assert.deepStrictEqual(ids(get(b.build(), {}, 2)), ["chat10"])
  })

  test("extranet callers see dialogs only with users who share a group chat with them", () => {
    const b = new Builder().user(1, { extranet: true }).user(2).user(3)
    b.groupChat(10, "B", [1, 2], 100, "2026-02-28T10:00:00+00:00")
    b.dialog(20, 2, 101, "2026-02-28T10:01:00+00:00")
    b.dialog(21, 3, 102, "2026-02-28T10:02:00+00:00")
    assert.deepStrictEqual(ids(get(b.build())), [2, "chat10"])
  })
})

describe("open lines (§2.4)", () => {
  test("L items carry lines from their session; date_create falls back to DATE_UPDATE; no session gives zeros", () => {
    const b = new Builder().user(1).user(9, { connector: true })
    b.groupChat(10, "L", [1, 9], 100, "2026-02-28T10:00:00+00:00", { row: { sessionId: 7 } })
    b.groupChat(11, "L", [1, 9], 101, "2026-02-28T10:01:00+00:00", { row: { sessionId: 8 } })
    b.groupChat(12, "L", [1, 9], 102, "2026-02-28T10:02:00+00:00")
    b.session({ id: 7, chatId: 10, status: 25, dateCreate: null })
    b.session({ id: 8, chatId: 11, status: 40, dateCreate: atom("2026-02-28T10:00:00+00:00") })
    const items = get(b.build())
    assert.deepStrictEqual(
      items.map((item) => item.lines),
      [
        { id: 0, status: 0, date_create: "2026-02-28T10:02:00+00:00" },
        { id: 8, status: 40, date_create: "2026-02-28T10:00:00+00:00" },
        { id: 7, status: 25, date_create: "2026-02-28T10:00:00+00:00" }
      ]
    )
    assert.deepStrictEqual(Object.keys(items[0]).slice(-4), ["chat", "lines", "user", "options"])
  })

  test("non-L chats have no lines key", () => {
    assert.isFalse(get(everyType()).some((item) => item.chat?.message_type !== "L" && "lines" in item))
  })
})
