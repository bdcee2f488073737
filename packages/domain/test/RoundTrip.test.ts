import { assert, describe, it } from "@effect/vitest"
import {
  AtomDateTime,
  Batch,
  ChatAdd,
  ChatLeave,
  ChatMute,
  DialogId,
  DialogReadAll,
  DialogUnread,
  MessageAdd,
  MessageDelete,
  MessageUpdate,
  RecentGet,
  RecentItem,
  RecentList,
  User
} from "@im-recent/domain"
import { DateTime, Schema } from "effect"

/** Type -> wire -> JSON text -> wire -> Type -> wire: the JSON wire form is stable and decodes back. */
const roundTrips = <A, I>(schema: Schema.Schema<A, I>) => {
  const encode = Schema.encodeSync(schema)
  const decode = Schema.decodeUnknownSync(schema, { onExcessProperty: "error" })
  return (value: A) => {
    const wire = JSON.parse(JSON.stringify(encode(value)))
    const decoded = decode(wire)
    assert.deepStrictEqual(encode(decoded), wire)
    assert.deepStrictEqual(decoded, decode(JSON.parse(JSON.stringify(encode(decoded)))))
  }
}

describe("round trips (property)", () => {
  it.prop("RecentItem", [RecentItem.RecentItem], ([item]) => roundTrips(RecentItem.RecentItem)(item), {
    fastCheck: { numRuns: 200 }
  })
  it.prop("RecentGet.Response", [RecentGet.Response], ([response]) => roundTrips(RecentGet.Response)(response), {
    fastCheck: { numRuns: 30 }
  })
  it.prop("RecentGet.Params", [RecentGet.Params], ([params]) => roundTrips(RecentGet.Params)(params))
  it.prop("RecentList.Response", [RecentList.Response], ([response]) => roundTrips(RecentList.Response)(response), {
    fastCheck: { numRuns: 30 }
  })
  it.prop("Batch.Response", [Batch.Response], ([response]) => roundTrips(Batch.Response)(response))
  it.prop("DialogId", [DialogId.DialogId], ([id]) => roundTrips(DialogId.DialogId)(id))
  it.prop("MessageAdd.Params", [MessageAdd.Params], ([params]) => roundTrips(MessageAdd.Params)(params))
  it.prop("MessageUpdate.Params", [MessageUpdate.Params], ([params]) => roundTrips(MessageUpdate.Params)(params))
  it.prop("MessageDelete.Params", [MessageDelete.Params], ([params]) => roundTrips(MessageDelete.Params)(params))
  it.prop("ChatAdd.Params", [ChatAdd.Params], ([params]) => roundTrips(ChatAdd.Params)(params))
  it.prop("ChatAdd.Response", [ChatAdd.Response], ([response]) => roundTrips(ChatAdd.Response)(response), {
    fastCheck: { numRuns: 30 }
  })
  it.prop("ChatLeave.Params", [ChatLeave.Params], ([params]) => roundTrips(ChatLeave.Params)(params))
  it.prop("ChatMute.Params", [ChatMute.Params], ([params]) => roundTrips(ChatMute.Params)(params))
  it.prop("DialogUnread.Params", [DialogUnread.Params], ([params]) => roundTrips(DialogUnread.Params)(params))
  it.prop("DialogReadAll.Params", [DialogReadAll.Params], ([params]) => roundTrips(DialogReadAll.Params)(params))
  it.prop("User.Birthday: the wire value comes back exactly", [User.Birthday], ([birthday]) => {
    const wire = Schema.encodeSync(User.Birthday)(birthday)
    assert.strictEqual(Schema.encodeSync(User.Birthday)(Schema.decodeUnknownSync(User.Birthday)(wire)), wire)
  })
  it.prop("AtomDateTime keeps instant and offset", [AtomDateTime.AtomDateTimeFromSelf], ([dateTime]) => {
    const decoded = Schema.decodeSync(AtomDateTime.AtomDateTime)(AtomDateTime.format(dateTime))
    assert.strictEqual(decoded.epochMillis, dateTime.epochMillis)
    assert.strictEqual(AtomDateTime.offsetOf(decoded), AtomDateTime.offsetOf(dateTime))
  })
})

describe("AtomDateTime", () => {
  it("formats in the value's own offset, whole seconds, never Z", () => {
    const utc = DateTime.unsafeMake("2026-02-25T15:30:00.987Z")
    assert.strictEqual(AtomDateTime.format(utc), "2026-02-25T15:30:00+00:00")
    assert.strictEqual(
      AtomDateTime.format(DateTime.unsafeMakeZoned(utc, { timeZone: "Europe/Moscow" })),
      "2026-02-25T18:30:00+03:00"
    )
    assert.strictEqual(
      AtomDateTime.format(DateTime.unsafeMakeZoned(utc, { timeZone: "America/St_Johns" })),
      "2026-02-25T12:00:00-03:30"
    )
  })

  it("rejects everything that is not strict ATOM", () => {
    for (const input of [
      "2026-02-25T18:30:00Z",
      "2026-02-25T18:30:00.000+03:00",
      "2026-02-25T18:30:00+0300",
      "2026-02-25 18:30:00+03:00",
      "2026-02-30T18:30:00+03:00",
      "2026-02-25T24:00:00+03:00",
      "2026-02-25",
      ""
    ]) {
      assert.isTrue(AtomDateTime.parse(input)._tag === "None", input)
    }
  })

  it("accepts leap days and the extremes of the offset range", () => {
    assert.strictEqual(AtomDateTime.parse("2024-02-29T23:59:59-12:00")._tag, "Some")
    assert.strictEqual(AtomDateTime.parse("2026-01-01T00:00:00+14:00")._tag, "Some")
  })
})
