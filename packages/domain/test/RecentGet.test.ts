import { assert, describe, it } from "@effect/vitest"
import { DialogId, RecentGet, RecentList, YesNo } from "@im-recent/domain"
import { DateTime, Either, Schema } from "effect"

describe("RecentGet.Params", () => {
  const encode = Schema.encodeSync(RecentGet.Params)
  const decode = Schema.decodeUnknownEither(RecentGet.Params)

  it("encodes booleans as Y/N and dates as ATOM with a numeric offset and whole seconds", () => {
    assert.deepStrictEqual(
      encode({
        SKIP_CHAT: true,
        SKIP_DIALOG: false,
        LAST_SYNC_DATE: DateTime.unsafeMake("2026-02-25T15:30:00.987Z")
      }),
      { SKIP_CHAT: "Y", SKIP_DIALOG: "N", LAST_SYNC_DATE: "2026-02-25T15:30:00+00:00" }
    )
    assert.deepStrictEqual(
      encode({ LAST_UPDATE: DateTime.unsafeMakeZoned("2026-02-25T15:30:00Z", { timeZone: "Europe/Moscow" }) }),
      { LAST_UPDATE: "2026-02-25T18:30:00+03:00" }
    )
    assert.deepStrictEqual(encode({}), {})
  })

  it("decodes the documented request", () => {
    const decoded = decode({ SKIP_OPENLINES: "Y", LAST_UPDATE: "2026-02-25T18:30:00+01:00" })
    assert.isTrue(Either.isRight(decoded))
    if (Either.isLeft(decoded)) return
    assert.strictEqual(decoded.right.SKIP_OPENLINES, true)
    assert.strictEqual(DateTime.formatIso(decoded.right.LAST_UPDATE!), "2026-02-25T17:30:00.000Z")
  })

  it("refuses what the server would misread", () => {
    assert.isTrue(Either.isLeft(decode({ SKIP_CHAT: "y" })))
    assert.isTrue(Either.isLeft(decode({ SKIP_CHAT: true })))
    assert.isTrue(Either.isLeft(decode({ LAST_SYNC_DATE: "2026-02-25T18:30:00.000Z" })))
  })
})

describe("YesNo and DialogId", () => {
  it("YesNo maps exactly Y and N", () => {
    assert.strictEqual(Schema.decodeSync(YesNo.YesNo)("Y"), true)
    assert.strictEqual(Schema.decodeSync(YesNo.YesNo)("N"), false)
    assert.strictEqual(YesNo.fromBoolean(true), "Y")
  })

  it("DialogId reads user ids, chatN and sgN, and nothing else", () => {
    assert.deepStrictEqual(DialogId.parse(42), DialogId.user(42))
    assert.deepStrictEqual(DialogId.parse("42"), DialogId.user(42))
    assert.deepStrictEqual(DialogId.parse("chat1451"), DialogId.chat(1451))
    assert.deepStrictEqual(DialogId.parse("sg17"), DialogId.group(17))
    for (const bad of ["", "0", "chat", "chat0", "chat-1", "sg", "user5", "1.5", " 5"]) {
      assert.isUndefined(DialogId.parse(bad), bad)
    }
    assert.strictEqual(DialogId.format(DialogId.chat(7)), "chat7")
  })
})

describe("RecentList paging rules", () => {
  it("LIMIT: missing, non-numeric or ≤ 0 is 50, over 200 is 200, otherwise PHP's intval", () => {
    assert.deepStrictEqual(
      [undefined, null, "abc", 0, -5, "20", "20abc", 20.9, 199, 200, 500, true].map(RecentList.pageLimit),
      [50, 50, 50, 50, 50, 20, 20, 20, 199, 200, 200, 1]
    )
  })

  it("offset: a positive start wins, else a positive OFFSET, else 0", () => {
    assert.deepStrictEqual(
      [
        RecentList.pageOffset(10, 5),
        RecentList.pageOffset(0, 5),
        RecentList.pageOffset(undefined, "7"),
        RecentList.pageOffset(-1, -1),
        RecentList.pageOffset("3x", undefined)
      ],
      [10, 5, 7, 0, 3]
    )
  })
})
