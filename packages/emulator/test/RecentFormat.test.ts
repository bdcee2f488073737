import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { PortalState } from "../src/PortalState.js"
import * as RecentRead from "../src/RecentRead.js"
import { atom, Builder, ids, utc, type Wire } from "./support.js"

const now = utc("2026-03-01T12:00:00Z")
const get = (state: PortalState, params: Record<string, unknown> = {}, userId = 1): Array<Wire> =>
  RecentRead.get(state, userId, now, params)
const test = (name: string, body: () => void) => it.effect(name, () => Effect.sync(body))

const oneChat = (
  portal: Partial<PortalState["portal"]>,
  text: string,
  message: Parameters<Builder["message"]>[5] = {},
  chat: Parameters<Builder["chat"]>[2] = {}
) => {
  const b = new Builder(portal).user(1).user(2, { firstName: "Ivan", lastName: "Petrov" })
  b.chat(10, "C", chat).member(10, 1).member(10, 2)
  b.message(100, 10, 2, text, "2026-02-28T10:00:00+00:00", message)
  b.row(1, "C", 10, 10, 100, "2026-02-28T10:00:00+00:00")
  return get(b.build())[0]
}

describe("item keys (§4.2)", () => {
  test("chat items: id, chat_id, type, avatar, title, message, counter, last_id, … date_last_activity, chat, user, options", () => {
    assert.deepStrictEqual(Object.keys(oneChat({}, "x")), [
      "id",
      "chat_id",
      "type",
      "avatar",
      "title",
      "message",
      "counter",
      "last_id",
      "pinned",
      "unread",
      "has_reminder",
      "date_update",
      "date_last_activity",
      "chat",
      "user",
      "options"
    ])
  })

  test("dialog items: … date_last_activity, user, chat, options, with a partial chat", () => {
    const b = new Builder().user(1).user(2)
    b.dialog(20, 2, 100, "2026-02-28T10:00:00+00:00")
    const [item] = get(b.build())
    assert.deepStrictEqual(Object.keys(item).slice(12), ["date_last_activity", "user", "chat", "options"])
    assert.deepStrictEqual(Object.keys(item.chat), ["text_field_enabled", "background_id", "mute_list"])
    assert.strictEqual(item.id, 2)
    assert.strictEqual(item.title, "First2 Last2")
  })

  test("has_reminder is always false and options [] unless the message is a USER_JOIN", () => {
    const b = new Builder().user(1).user(2).user(3)
    b.dialog(20, 2, 100, "2026-02-28T10:00:00+00:00", { message: { params: { code: "USER_JOIN" } } })
    b.dialog(21, 3, 101, "2026-02-28T10:01:00+00:00")
    const items = get(b.build())
    assert.deepStrictEqual(
      items.map((item) => [item.has_reminder, item.options]),
      [
        [false, []],
        [false, { default_user_record: true }]
      ]
    )
  })
})

describe("dates (§4.1)", () => {
  test("date('c') in the portal zone: whole seconds, the zone's offset at that instant (DST included)", () => {
    const b = new Builder({ timeZone: "America/New_York" }).user(1).user(2)
    b.groupChat(10, "C", [1, 2], 100, "2026-02-28T10:00:00.999+00:00".replace(".999", ""))
    b.chat(11, "C", { dateCreate: atom("2025-07-01T16:30:45+00:00") })
      .member(11, 1)
      .member(11, 2)
    b.message(101, 11, 2, "x", "2026-02-28T09:00:00+00:00").row(1, "C", 11, 11, 101, "2026-02-28T09:00:00+00:00")
    const [first, second] = get(b.build())
    assert.strictEqual(first.date_update, "2026-02-28T05:00:00-05:00")
    assert.strictEqual(second.chat.date_create, "2025-07-01T12:30:45-04:00")
  })

  test("last_activity_date is ATOM or false; idle, mobile_last_date and desktop_last_date are false", () => {
    const b = new Builder({ timeZone: "+03:00" })
      .user(1)
      .user(2, { absent: atom("2026-03-05T00:00:00+00:00") })
      .user(3, {
        lastActivityDate: null
      })
    b.dialog(20, 2, 100, "2026-02-28T10:00:00+00:00")
    b.dialog(21, 3, 101, "2026-02-28T10:01:00+00:00")
    const [three, two] = get(b.build())
    assert.deepStrictEqual(
      [
        two.user.idle,
        two.user.last_activity_date,
        two.user.mobile_last_date,
        two.user.desktop_last_date,
        two.user.absent
      ],
      [false, "2026-02-01T13:00:00+03:00", false, false, "2026-03-05T03:00:00+03:00"]
    )
    assert.strictEqual(three.user.last_activity_date, false)
  })
})

describe("avatars (§4.1)", () => {
  test("relative avatar.url, chat.avatar and user.avatar get the public URL; absolute ones and avatar_hr do not", () => {
    const b = new Builder({ publicUrl: "https://portal.example" })
      .user(1)
      .user(2, { avatar: "/upload/main/1.jpg" })
      .user(3, { avatar: "https://cdn.example/3.png" })
    b.groupChat(10, "C", [1, 2], 100, "2026-02-28T10:00:00+00:00", {
      chat: { avatar: "/upload/chat.png" },
      authorId: 2
    })
    b.dialog(20, 3, 101, "2026-02-28T10:01:00+00:00")
    const [dialog, chat] = get(b.build())
    assert.deepStrictEqual(
      [chat.avatar.url, chat.chat.avatar, chat.user.avatar, chat.user.avatar_hr],
      [
        "https://portal.example/upload/chat.png",
        "https://portal.example/upload/chat.png",
        "https://portal.example/upload/main/1.jpg",
        "/upload/main/1.jpg"
      ]
    )
    assert.deepStrictEqual(
      [dialog.avatar.url, dialog.user.avatar],
      ["https://cdn.example/3.png", "https://cdn.example/3.png"]
    )
  })

  test("no avatar: '' and the blank avatar_hr", () => {
    const b = new Builder().user(1).user(2)
    b.dialog(20, 2, 100, "2026-02-28T10:00:00+00:00")
    const [item] = get(b.build())
    assert.deepStrictEqual(
      [item.avatar.url, item.user.avatar, item.user.avatar_hr],
      ["", "", "/bitrix/js/im/images/blank.gif"]
    )
  })
})

describe("message text (§4.3)", () => {
  const text = (language: "ru" | "en", raw: string, fields: Parameters<Builder["message"]>[5] = {}) =>
    oneChat({ language }, raw, fields).message.text

  test("newlines become spaces and BB codes are unwrapped", () => {
    assert.strictEqual(
      text(
        "en",
        "[b]bold[/b]\n[i]it[/i] [u]u[/u] [url=https://x.example/a?b=[1]]link[/url] [url]https://y.example[/url] [color=#ff0000]red[/color] [size=20]big[/size]"
      ),
      "bold it u link https://y.example red big"
    )
    assert.strictEqual(text("en", "keep [s]struck[/s]out"), "keep out")
    assert.strictEqual(
      text("en", "[CHAT=5]other chat[/CHAT] [dialog=chat5]d[/dialog] [SEND=go]Send[/SEND]"),
      "other chat d Send"
    )
  })

  test("mentions: [USER=n]name[/USER] keeps the name, an empty tag gets the user's full name", () => {
    assert.strictEqual(
      text("en", "[USER=2]Vanya[/USER] and [USER=2][/USER] and [USER=99][/USER]!"),
      "Vanya and Ivan Petrov and !"
    )
  })

  test("labels follow the portal language", () => {
    assert.strictEqual(text("ru", "x", { attach: true }), "x [Вложение]")
    assert.strictEqual(text("en", "x", { attach: true }), "x [Attachment]")
    assert.strictEqual(text("ru", "x", { file: { id: 1, type: "image", name: "a.png" } }), "x [Файл]")
    assert.strictEqual(text("en", "x", { file: true }), "x [File]")
    assert.strictEqual(text("ru", "[RATING=5]"), "[Рейтинг]")
    assert.strictEqual(text("en", "ok [ATTACH=12] done"), "ok  [Attachment]  done")
    const quote = `${"-".repeat(54)}\nIvan [date]\nWhen?\n${"-".repeat(54)}\nFriday`
    assert.strictEqual(text("ru", quote), "[Цитата]  Friday")
    assert.strictEqual(text("en", quote), "[Quote]  Friday")
    assert.strictEqual(text("ru", "  "), "Это сообщение было удалено.")
    assert.strictEqual(text("en", "[s]gone[/s]"), "This message has been deleted.")
  })

  test("a described attach appends its description; file and attach flags are reported", () => {
    const item = oneChat({}, "Form sent", { attach: "Contact form", file: { id: 7, type: "file", name: "a.pdf" } })
    assert.deepStrictEqual(
      [item.message.text, item.message.attach, item.message.file],
      ["Form sent Contact form [File]", "Contact form", { id: 7, type: "file", name: "a.pdf" }]
    )
  })

  test("status is delivered once someone read the message, received before; uuid and sticker pass through", () => {
    const read = oneChat({}, "x", { notifyRead: true, uuid: "u-1", sticker: { id: 3, packId: 1 } }).message
    const unread = oneChat({}, "x", { sticker: 5 }).message
    assert.deepStrictEqual([read.status, read.uuid, read.sticker], ["delivered", "u-1", { id: 3, packId: 1 }])
    assert.deepStrictEqual([unread.status, unread.uuid, unread.sticker], ["received", null, null])
  })
})

describe("counter (§4.2)", () => {
  test("unread messages of others after the last read one, capped at 100; own messages do not count", () => {
    const b = new Builder().user(1).user(2)
    b.chat(10, "C").member(10, 1, { lastReadMessageId: 1000 }).member(10, 2)
    b.message(1000, 10, 2, "read", "2026-02-27T10:00:00+00:00")
    for (let i = 1; i <= 150; i++) b.message(1000 + i, 10, i % 2 === 0 ? 1 : 2, "m", "2026-02-28T10:00:00+00:00")
    b.row(1, "C", 10, 10, 1150, "2026-02-28T10:00:00+00:00")
    b.chat(11, "C").member(11, 1, { lastReadMessageId: 2000 }).member(11, 2)
    b.message(2000, 11, 2, "read", "2026-02-27T10:00:00+00:00")
    for (let i = 1; i <= 7; i++) b.message(2000 + i, 11, i <= 3 ? 2 : 1, "m", "2026-02-27T11:00:00+00:00")
    b.row(1, "C", 11, 11, 2007, "2026-02-27T11:00:00+00:00")
    const items = get(b.build())
    assert.deepStrictEqual(
      items.map((item) => [item.id, item.counter, item.last_id]),
      [
        ["chat10", 75, 1000],
        ["chat11", 3, 2000]
      ]
    )
    const more = new Builder().user(1).user(2)
    more.chat(10, "C").member(10, 1).member(10, 2)
    for (let i = 1; i <= 130; i++) more.message(i, 10, 2, "m", "2026-02-28T10:00:00+00:00")
    more.row(1, "C", 10, 10, 130, "2026-02-28T10:00:00+00:00")
    assert.strictEqual(get(more.build())[0].counter, 100)
  })
})

describe("chat object (§4.5)", () => {
  const chatOf = (
    portal: Partial<PortalState["portal"]>,
    id: number,
    chat: Parameters<Builder["chat"]>[2],
    relation = {}
  ) => {
    const b = new Builder(portal).user(1).user(2)
    b.chat(id, "C", chat)
      .member(id, 1, { lastReadMessageId: 1, ...relation })
      .member(id, 2)
    b.message(1, id, 2, "x", "2026-02-28T10:00:00+00:00")
    b.row(1, "C", id, id, 1, "2026-02-28T10:00:00+00:00")
    return get(b.build())[0]
  }

  test("colour: the explicit code, else the id's last digit (1 RED, 3 MINT, 7 AQUA, 9 LIME, 0 BROWN); MARENGO when colours are off", () => {
    assert.deepStrictEqual(
      [1451, 1449, 1317, 1440, 23].map((id) => chatOf({}, id, {}).chat.color),
      ["#df532d", "#58cc47", "#1eb4aa", "#ab7761", "#4ba984"]
    )
    assert.strictEqual(chatOf({}, 1449, { colorCode: "BROWN" }).chat.color, "#ab7761")
    assert.strictEqual(chatOf({}, 1317, { colorCode: "MINT" }).avatar.color, "#4ba984")
    assert.strictEqual(chatOf({ colorsEnabled: false }, 1317, { colorCode: "MINT" }).chat.color, "#556574")
  })

  test("mute_list, manager_list and role come from the caller's relation and the chat's owner", () => {
    const muted = chatOf({}, 10, { ownerId: 2 }, { muted: true })
    assert.strictEqual(
      JSON.stringify([muted.chat.mute_list, muted.chat.manager_list, muted.chat.role]),
      JSON.stringify([{ 1: true }, [], "MEMBER"])
    )
    const manager = chatOf({}, 10, { ownerId: 2 }, { manager: true })
    assert.deepStrictEqual([manager.chat.mute_list, manager.chat.manager_list, manager.chat.role], [[], [1], "MANAGER"])
    const owner = chatOf({}, 10, { ownerId: 1 })
    assert.deepStrictEqual([owner.chat.manager_list, owner.chat.role], [[], "OWNER"])
  })

  test("a muted dialog shows the caller in the partial chat's mute_list", () => {
    const b = new Builder().user(1).user(2)
    b.dialog(20, 2, 100, "2026-02-28T10:00:00+00:00")
    const state = b.build()
    const muted = { ...state, relations: state.relations.map((r) => (r.userId === 1 ? { ...r, muted: true } : r)) }
    assert.strictEqual(JSON.stringify(get(muted)[0].chat.mute_list), JSON.stringify({ 1: true }))
  })

  test("user_counter counts members; permissions are lower-cased, manage_messages mirrors can_post; public is ''", () => {
    const item = chatOf({}, 10, {
      permissions: {
        manageUsersAdd: "MEMBER",
        manageUsersDelete: "MANAGER",
        manageUi: "member",
        manageSettings: "OWNER",
        canPost: "Manager"
      }
    })
    assert.strictEqual(item.chat.user_counter, 2)
    assert.deepStrictEqual(item.chat.permissions, {
      manage_users_add: "member",
      manage_users_delete: "manager",
      manage_ui: "member",
      manage_settings: "owner",
      manage_messages: "manager",
      can_post: "manager"
    })
    assert.strictEqual(item.chat.public, "")
  })

  test("the general chat reports entity_type GENERAL and its restrictions", () => {
    const item = chatOf({ generalChatId: 10 }, 10, { extendedType: "general" })
    assert.strictEqual(item.chat.entity_type, "GENERAL")
    assert.deepStrictEqual(item.chat.restrictions, {
      avatar: false,
      rename: false,
      extend: false,
      call: true,
      mute: true,
      leave: false,
      leave_owner: false,
      send: true,
      user_list: true
    })
  })

  test("chat items carry the last message's author profile, or {id: 0} for system messages", () => {
    const b = new Builder().user(1).user(2)
    b.groupChat(10, "C", [1, 2], 100, "2026-02-28T10:00:00+00:00", { authorId: 2 })
    b.groupChat(11, "C", [1, 2], 101, "2026-02-28T10:01:00+00:00", { authorId: 0 })
    b.groupChat(12, "C", [1, 2], 102, "2026-02-28T10:02:00+00:00", { authorId: 55 })
    const [unknown, system, user] = get(b.build())
    assert.deepStrictEqual(ids([unknown, system, user]), ["chat12", "chat11", "chat10"])
    assert.deepStrictEqual([unknown.user, system.user], [[], { id: 0 }])
    assert.strictEqual(user.user.id, 2)
    assert.strictEqual(user.user.name, "First2 Last2")
    assert.deepStrictEqual(Object.keys(user.user), [
      "id",
      "active",
      "name",
      "first_name",
      "last_name",
      "work_position",
      "color",
      "avatar",
      "avatar_hr",
      "gender",
      "birthday",
      "extranet",
      "network",
      "bot",
      "connector",
      "external_auth_id",
      "status",
      "idle",
      "last_activity_date",
      "mobile_last_date",
      "desktop_last_date",
      "absent",
      "departments",
      "phones",
      "bot_data",
      "type",
      "website",
      "email"
    ])
  })
})
