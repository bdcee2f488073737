import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { PortalState } from "../src/PortalState.js"
import * as RecentRead from "../src/RecentRead.js"
import { atom, Builder, ids, utc, type Wire } from "./support.js"

const now = utc("2026-03-01T12:00:00Z")
const list = (state: PortalState, params: Record<string, unknown> = {}, userId = 1): Wire =>
  RecentRead.list(state, userId, now, params)
const test = (name: string, body: () => void) => it.effect(name, () => Effect.sync(body))

/** `count` group chats of user 1, chat 100+i last active i hours before now (chat100 newest). */
const chats = (count: number, extra?: (b: Builder) => void): PortalState => {
  const b = new Builder().user(1).user(2)
  for (let i = 0; i < count; i++) {
    const date = new Date(Date.parse("2026-03-01T11:00:00Z") - i * 3_600_000).toISOString().replace(".000Z", "+00:00")
    b.groupChat(100 + i, "C", [1, 2], 1000 + i, date)
  }
  extra?.(b)
  return b.build()
}

describe("im.recent.list paging (server-semantics §6)", () => {
  test("pages by OFFSET/LIMIT in PINNED DESC, DATE_LAST_ACTIVITY DESC order; hasMore when the page is full; next = offset + items", () => {
    const state = chats(5)
    const first = list(state, { LIMIT: 2 })
    assert.deepStrictEqual(
      [ids(first.items), first.hasMore, first.hasMorePages, first.next, first.total],
      [["chat100", "chat101"], true, true, 2, -1]
    )
    const last = list(state, { LIMIT: 2, OFFSET: 4 })
    assert.deepStrictEqual([ids(last.items), last.hasMore, "next" in last], [["chat104"], false, false])
    assert.deepStrictEqual(ids(list(state, { LIMIT: 2, start: 2, OFFSET: 4 }).items), ["chat102", "chat103"])
  })

  test("hasMore counts raw rows: a full page stays hasMore even when rows are dropped, and next counts delivered items", () => {
    const state = chats(4, (b) => {
      b.state.messages = b.state.messages.filter((m) => m.id !== 1001)
    })
    const page = list(state, { LIMIT: 2 })
    assert.deepStrictEqual([ids(page.items), page.hasMore, page.next], [["chat100"], true, 1])
  })

  test("LAST_MESSAGE_DATE filters DATE_LAST_ACTIVITY <= date (inclusive) and ignores OFFSET; pinned rows come back on every page", () => {
    const state = chats(5, (b) => {
      b.state.recent = b.state.recent.map((row) =>
        row.userId === 1 && row.chatId === 103 ? { ...row, pinned: true } : row
      )
    })
    const page = list(state, { LAST_MESSAGE_DATE: "2026-03-01T09:00:00+00:00", OFFSET: 3, LIMIT: 3 })
    assert.deepStrictEqual(ids(page.items), ["chat103", "chat102", "chat104"])
    assert.deepStrictEqual(ids(list(state, { DATE_LAST_ACTIVITY: "2026-03-01T08:00:00+00:00" }).items), [
      "chat103",
      "chat104"
    ])
    assert.deepStrictEqual(
      ids(
        list(state, { DATE_LAST_ACTIVITY: "2026-03-01T08:00:00+00:00", LAST_MESSAGE_DATE: "2026-03-01T10:00:00+00:00" })
          .items
      ),
      ["chat103", "chat101", "chat102", "chat104"]
    )
    assert.deepStrictEqual(ids(list(state, { LAST_MESSAGE_DATE: "not a date" }).items).length, 5)
  })

  test("no date window: the whole history pages", () => {
    const state = chats(1, (b) => b.groupChat(50, "C", [1, 2], 900, "2024-01-01T00:00:00+00:00"))
    assert.deepStrictEqual(ids(list(state).items), ["chat100", "chat50"])
  })
})

describe("im.recent.list filters", () => {
  const everyType = (): PortalState => {
    const b = new Builder().user(1).user(2)
    const types = ["C", "O", "N", "J", "B", "A", "X", "L"] as const
    types.forEach((type, i) => {
      b.groupChat(10 + i, type, [1, 2], 100 + i, `2026-02-28T10:${String(10 + i)}:00+00:00`)
    })
    b.dialog(30, 2, 130, "2026-02-28T11:00:00+00:00")
    return b.build()
  }
  const types = (result: Wire): Array<string> =>
    result.items.map((item: Wire) => (item.type === "user" ? "P" : item.chat.message_type)).sort()

  test("external (task) chats are always left out", () => {
    assert.deepStrictEqual(types(list(everyType())), ["A", "B", "C", "J", "L", "N", "O", "P"])
  })

  test("SKIP_* flags; ONLY_COPILOT gives A, ONLY_CHANNEL N and J; ONLY_OPENLINES is not forwarded", () => {
    assert.deepStrictEqual(types(list(everyType(), { SKIP_CHAT: "Y", SKIP_DIALOG: "Y", SKIP_OPENLINES: "Y" })), [
      "A",
      "B",
      "J",
      "N"
    ])
    assert.deepStrictEqual(types(list(everyType(), { ONLY_COPILOT: "Y", ONLY_CHANNEL: "Y" })), ["A"])
    assert.deepStrictEqual(types(list(everyType(), { ONLY_CHANNEL: "Y" })), ["J", "N"])
    assert.strictEqual(types(list(everyType(), { ONLY_OPENLINES: "Y" })).length, 8)
  })

  test("collabs disappear when the portal has no collabs", () => {
    const state = everyType()
    assert.isFalse(types(list({ ...state, portal: { ...state.portal, collabAvailable: false } })).includes("B"))
  })

  test("UNREAD_ONLY keeps rows with unread messages or the manual mark", () => {
    const state = chats(3, (b) => {
      b.state.relations = b.state.relations.map((r) =>
        r.userId === 1 && r.chatId === 101 ? { ...r, lastReadMessageId: 0 } : r
      )
      b.state.recent = b.state.recent.map((row) =>
        row.userId === 1 && row.chatId === 102 ? { ...row, unread: true } : row
      )
    })
    assert.deepStrictEqual(ids(list(state, { UNREAD_ONLY: "Y" }).items), ["chat101", "chat102"])
  })

  test("CAN_MANAGE_MESSAGES keeps chats whose manage_messages level the caller's role reaches", () => {
    const state = chats(3, (b) => {
      b.state.chats = b.state.chats.map((c) =>
        c.id === 101
          ? { ...c, permissions: { ...c.permissions, canPost: "owner" } }
          : c.id === 102
            ? { ...c, ownerId: 1, permissions: { ...c.permissions, canPost: "owner" } }
            : c
      )
    })
    assert.deepStrictEqual(ids(list(state, { CAN_MANAGE_MESSAGES: "Y" }).items), ["chat100", "chat102"])
  })

  test("GET_ORIGINAL_TEXT keeps BB codes and newlines, filling empty mentions", () => {
    const b = new Builder().user(1).user(2, { firstName: "Ivan", lastName: "Petrov" })
    b.groupChat(10, "C", [1, 2], 100, "2026-02-28T10:00:00+00:00", { text: "[b]hi[/b] [USER=2][/USER]\nbye" })
    assert.strictEqual(
      list(b.build(), { GET_ORIGINAL_TEXT: "Y" }).items[0].message.text,
      "[b]hi[/b] [USER=2 REPLACE]Ivan Petrov[/USER]\nbye"
    )
    assert.strictEqual(list(b.build()).items[0].message.text, "hi Ivan Petrov bye")
  })
})

describe("shared rows and invitations", () => {
  const portal = (viewCommonUsers: boolean, caller: Partial<Parameters<Builder["user"]>[1]> = {}) => {
    const b = new Builder({ viewCommonUsers })
      .user(1, caller)
      .user(2)
      .user(3, { lastActivityDate: null, invited: { originatorId: 1, canResend: true } })
      .user(4)
    b.row(0, "P", 4, 0, 0, "2026-02-28T09:00:00+00:00", { dateMessage: null })
    b.dialog(20, 3, 100, "2026-02-28T10:00:00+00:00")
    b.dialog(21, 2, 101, "2026-02-28T11:00:00+00:00", { message: { params: { code: "USER_JOIN" } } })
    return b.build()
  }

  test("intranet callers also read USER_ID 0 rows (default_user_record) and see invitations", () => {
    const items = list(portal(true)).items
    assert.deepStrictEqual(ids(items), [2, 3, 4])
    assert.deepStrictEqual(items[2].options, { default_user_record: true })
    assert.deepStrictEqual(items[0].options, { default_user_record: true })
    assert.deepStrictEqual(items[1].invited, { originator_id: 1, can_resend: true })
    assert.deepStrictEqual(Object.keys(items[1]).slice(13), ["invited", "user", "chat", "options"])
  })

  test("without common users the shared rows and USER_JOIN dialogs are dropped, and no invitations", () => {
    const items = list(portal(false)).items
    assert.deepStrictEqual(ids(items), [3])
    assert.isFalse("invited" in items[0])
  })

  test("extranet callers never read the shared rows", () => {
    assert.isFalse(ids(list(portal(true, { extranet: true })).items).includes(4))
  })

  test("im.recent.get shows neither shared rows nor invitations", () => {
    const items = RecentRead.get(portal(true), 1, now, {})
    assert.deepStrictEqual(ids(items), [2, 3])
    assert.isFalse("invited" in items[1])
  })
})

describe("the list's extras", () => {
  test("copilot is null without the portal's AI data, the role catalogue with it; messagesAutoDeleteConfigs is []", () => {
    const state = chats(1)
    assert.deepStrictEqual([list(state).copilot, list(state).messagesAutoDeleteConfigs], [null, []])
    const withCopilot = {
      ...state,
      portal: { ...state.portal, copilot: { roles: { a: { code: "a" } }, recommendedRoles: ["a"] } }
    }
    assert.deepStrictEqual(list(withCopilot).copilot, {
      chats: null,
      messages: null,
      roles: { a: { code: "a" } },
      recommendedRoles: ["a"]
    })
  })

  test("birthdayList (today's birthdays) only without a cursor and without UNREAD_ONLY", () => {
    const b = new Builder()
      .user(1)
      .user(2, { birthday: "01-03" })
      .user(3, { birthday: "02-03" })
      .user(4, { birthday: "01-03", active: false })
    b.groupChat(10, "C", [1, 2], 100, "2026-02-28T10:00:00+00:00")
    const state = b.build()
    assert.deepStrictEqual(
      list(state).birthdayList.map((u: Wire) => u.id),
      [2]
    )
    assert.isFalse("birthdayList" in list(state, { UNREAD_ONLY: "Y" }))
    assert.isFalse("birthdayList" in list(state, { LAST_MESSAGE_DATE: "2026-03-01T00:00:00+00:00" }))
    assert.deepStrictEqual(Object.keys(list(state)), [
      "items",
      "hasMorePages",
      "hasMore",
      "copilot",
      "messagesAutoDeleteConfigs",
      "birthdayList",
      "total"
    ])
  })

  test("items are not re-sorted: the SQL order stands (pinned, last activity), unlike im.recent.get", () => {
    const b = new Builder().user(1).user(2)
    b.groupChat(10, "C", [1, 2], 100, "2026-02-28T10:00:00+00:00", {
      row: { dateLastActivity: atom("2026-02-28T09:00:00+00:00") }
    })
    b.groupChat(11, "C", [1, 2], 101, "2026-02-28T09:30:00+00:00")
    assert.deepStrictEqual(ids(list(b.build()).items), ["chat11", "chat10"])
    assert.deepStrictEqual(ids(RecentRead.get(b.build(), 1, now, {})), ["chat10", "chat11"])
  })
})
