import { assert, describe, it } from "@effect/vitest"
import { AtomDateTime, RecentGet, RecentItem, User } from "@im-recent/domain"
import { Either, Option, ParseResult, Schema } from "effect"
import { readFixture } from "./fixtures.js"

const decodeItem = Schema.decodeUnknownEither(RecentItem.RecentItem)
const decodeResponse = Schema.decodeUnknownEither(RecentGet.Response)

type Wire = Record<string, unknown>
const documented = readFixture("im.recent.list.en.json") as { result: { items: ReadonlyArray<Wire> } }
const dialogWire = documented.result.items[0]!
const chatWire = documented.result.items[1]!

const withField = (wire: Wire, path: ReadonlyArray<string>, value: unknown): Wire => {
  const [head, ...rest] = path
  return { ...wire, [head!]: rest.length === 0 ? value : withField(wire[head!] as Wire, rest, value) }
}

const decodeOk = (wire: unknown): RecentItem.RecentItem => {
  const result = decodeItem(wire)
  if (Either.isLeft(result)) assert.fail(result.left.message)
  return result.right
}

describe("RecentItem", () => {
  it("decodes a dialog: numeric id, full user profile, partial chat", () => {
    const item = decodeOk(dialogWire)
    assert.isTrue(RecentItem.isDialog(item))
    if (!RecentItem.isDialog(item)) return
    assert.strictEqual(item.id, 547)
    assert.strictEqual(item.user?.first_name, "John")
    assert.deepStrictEqual(item.chat?.mute_list, [])
    assert.strictEqual(AtomDateTime.format(item.message.date), "2026-02-25T12:07:10+01:00")
  })

  it("decodes a chat: chatN id, last author as user, mute_list object", () => {
    const item = decodeOk(chatWire)
    assert.isTrue(RecentItem.isChat(item))
    if (!RecentItem.isChat(item)) return
    assert.strictEqual(item.id, "chat1317")
    assert.deepStrictEqual(item.chat.mute_list, [503])
    assert.isTrue(item.user !== null && User.isProfile(item.user))
  })

  it("chat items accept the { id: 0 } system author", () => {
    const item = decodeOk(withField(chatWire, ["user"], { id: 0 }))
    assert.deepStrictEqual(item.user, { id: 0 })
  })

  it("a user that no longer exists: avatar, title and user are []", () => {
    const item = decodeOk({ ...dialogWire, avatar: [], title: [], user: [] })
    assert.strictEqual(item.avatar, null)
    assert.strictEqual(item.title, null)
    assert.strictEqual(item.user, null)
    assert.deepStrictEqual<unknown>(Schema.encodeSync(RecentItem.RecentItem)(item), {
      ...dialogWire,
      avatar: [],
      title: [],
      user: []
    })
  })

  it("options: [] or { default_user_record: true }", () => {
    assert.deepStrictEqual(decodeOk(dialogWire).options, {})
    assert.deepStrictEqual(decodeOk({ ...dialogWire, options: { default_user_record: true } }).options, {
      default_user_record: true
    })
  })

  it("user dates: ATOM or false; birthday: DD-MM, '' or false", () => {
    const user = (patch: Wire) => {
      const item = decodeOk({ ...dialogWire, user: { ...(dialogWire.user as Wire), ...patch } })
      return item.user as User.User
    }
    const atom = "2026-02-25T17:42:27+01:00"
    const full = user({ idle: atom, mobile_last_date: atom, desktop_last_date: atom, absent: atom, birthday: "07-03" })
    assert.strictEqual(AtomDateTime.format(full.idle!), atom)
    assert.strictEqual(AtomDateTime.format(full.absent!), atom)
    assert.strictEqual(full.birthday, "07-03")
    const none = user({ idle: false, last_activity_date: false, birthday: false })
    assert.strictEqual(none.idle, null)
    assert.strictEqual(none.last_activity_date, null)
    // kept as it came (encoding writes it back exactly); birthdayOf reads "not set" as none
    assert.strictEqual(none.birthday, false)
    assert.strictEqual(user({ birthday: "" }).birthday, "")
    assert.isTrue(Option.isNone(User.birthdayOf(none)))
    assert.isTrue(Option.isNone(User.birthdayOf(user({ birthday: "" }))))
    assert.deepStrictEqual(User.birthdayOf(full), Option.some("07-03"))
    assert.isTrue(
      Either.isLeft(decodeItem({ ...dialogWire, user: { ...(dialogWire.user as Wire), birthday: "March 7" } }))
    )
  })

  it('birthday: false stays false and "" stays "" when the item is encoded again', () => {
    for (const birthday of [false, "", "07-03"]) {
      const wire = { ...dialogWire, user: { ...(dialogWire.user as Wire), birthday } }
      const encoded = Schema.encodeSync(RecentItem.RecentItem)(decodeOk(wire)) as Wire
      assert.strictEqual((encoded.user as Wire).birthday, birthday)
    }
  })

  it("message quirks: file, attach, sticker, uuid", () => {
    const message = (patch: Wire) =>
      decodeOk({ ...chatWire, message: { ...(chatWire.message as Wire), ...patch } }).message
    assert.deepStrictEqual(message({ file: { id: 7, type: "image", name: "a.png" } }).file, {
      id: 7,
      type: "image",
      name: "a.png"
    })
    assert.strictEqual(message({ file: true }).file, true)
    assert.strictEqual(message({ attach: "Отправлена форма" }).attach, "Отправлена форма")
    assert.strictEqual(message({ sticker: 12 }).sticker, 12)
    assert.deepStrictEqual(message({ sticker: { id: 1, pack: "x" } }).sticker, { id: 1, pack: "x" })
    assert.strictEqual(message({ uuid: null }).uuid, null)
    const { uuid: _, ...withoutUuid } = chatWire.message as Wire
    assert.isFalse("uuid" in decodeOk({ ...chatWire, message: withoutUuid }).message)
  })

  it("chat.public: '' or an object", () => {
    const chat = (value: unknown) => {
      const item = decodeOk(withField(chatWire, ["chat", "public"], value))
      return RecentItem.isChat(item) ? item.chat.public : undefined
    }
    assert.strictEqual(chat(""), null)
    assert.deepStrictEqual(chat({ code: "abc", link: "https://x/video/abc" }), {
      code: "abc",
      link: "https://x/video/abc"
    })
  })

  it("ids and counters may arrive as strings (older builds)", () => {
    const item = decodeOk({ ...dialogWire, id: "547", chat_id: "1231", counter: "1" })
    assert.strictEqual(item.id, 547)
    assert.strictEqual(item.chat_id, 1231)
    assert.strictEqual(item.counter, 1)
  })

  it("unknown fields anywhere do not break decoding", () => {
    const wire = withField(
      withField({ ...chatWire, brand_new: { x: 1 } }, ["chat", "future"], [1, 2]),
      ["message", "x"],
      1
    )
    assert.isTrue(Either.isRight(decodeItem(wire)))
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(RecentItem.RecentItem, { onExcessProperty: "error" })(wire)))
  })

  it("a malformed field fails with its path and value", () => {
    const fixture = readFixture("im.recent.get.en.json") as { result: Array<Wire> }
    const broken = {
      ...fixture,
      result: [fixture.result[0], withField(fixture.result[1]!, ["message", "date"], "2026-02-26T00:01:25.000Z")]
    }
    const result = decodeResponse(broken)
    assert.isTrue(Either.isLeft(result))
    if (Either.isRight(result)) return
    const [issue, ...others] = ParseResult.ArrayFormatter.formatErrorSync(result.left)
    assert.deepStrictEqual(others, [])
    assert.deepStrictEqual(issue!.path, ["result", 1, "message", "date"])
    assert.include(issue!.message, '"2026-02-26T00:01:25.000Z"')
  })

  it("dialogId names the dialog for other methods", () => {
    assert.deepStrictEqual(RecentItem.dialogId(decodeOk(chatWire))._tag, "Chat")
    assert.deepStrictEqual(RecentItem.dialogId(decodeOk(dialogWire))._tag, "User")
  })
})
