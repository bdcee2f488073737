import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import * as DateTime from "effect/DateTime"
import * as RecentOrder from "../src/RecentOrder.js"

const T0 = Date.UTC(2026, 1, 25, 12, 0, 0)

const item = (id: number | string, options: { readonly pinned?: boolean; readonly at?: number } = {}) => ({
  id,
  pinned: options.pinned ?? false,
  message: { date: DateTime.unsafeMake(options.at ?? T0) }
})

const ids = (items: ReadonlyArray<RecentOrder.Item>) => items.map((_) => _.id)

describe("RecentOrder", () => {
  it("orders the documented sample like PHP 8.2's array_multisort: chat9, chat100, chat10, 123, 5", () => {
    const sorted = RecentOrder.sort([item(5), item("chat10"), item(123), item("chat9"), item("chat100")])
    assert.deepStrictEqual(ids(sorted), ["chat9", "chat100", "chat10", 123, 5])
  })

  it("puts pinned items first, even when older", () => {
    const sorted = RecentOrder.sort([
      item("chat1", { at: T0 + 60_000 }),
      item(7, { pinned: true, at: T0 - 86_400_000 })
    ])
    assert.deepStrictEqual(ids(sorted), [7, "chat1"])
  })

  it("puts newer messages first", () => {
    const sorted = RecentOrder.sort([
      item("chat1", { at: T0 }),
      item("chat2", { at: T0 + 1000 }),
      item(3, { at: T0 + 2000 })
    ])
    assert.deepStrictEqual(ids(sorted), [3, "chat2", "chat1"])
  })

  it("compares message dates in whole seconds, so sub-second differences fall to the id", () => {
    const sorted = RecentOrder.sort([item(1, { at: T0 + 900 }), item(2, { at: T0 + 100 })])
    assert.deepStrictEqual(ids(sorted), [2, 1])
  })

  it("uses the message date, whatever the zone", () => {
    const early = { ...item("chat1"), message: { date: DateTime.unsafeMakeZoned(T0, { timeZone: "Asia/Tokyo" }) } }
    const late = { ...item("chat2"), message: { date: DateTime.unsafeMakeZoned(T0 + 1000, { timeZone: "UTC" }) } }
    assert.deepStrictEqual(ids(RecentOrder.sort([early, late])), ["chat2", "chat1"])
  })

  it("sorts a copy and keeps equal items in input order", () => {
    const input = [item("5"), item(5), item(" 5")]
    const sorted = RecentOrder.sort(input)
    assert.deepStrictEqual(ids(sorted), ["5", 5, " 5"])
    assert.notStrictEqual(sorted, input)
  })

  describe("compareIds matches PHP 8.2's <=>", () => {
    // Produced by PHP 8.2.32: `$a <=> $b`.
    const table: ReadonlyArray<readonly [number | string, number | string, -1 | 0 | 1]> = [
      [5, "chat9", -1],
      [123, "chat10", -1],
      ["chat9", "chat100", 1],
      ["chat100", "chat10", 1],
      [123, 5, 1],
      [10, "9", 1],
      ["10", "9", 1],
      [10, " 10", 0],
      [10, "10 ", 0],
      [10, "\n10\t", 0],
      ["10", "9a", -1],
      [10, "1e1", 0],
      ["abc", 10, 1],
      ["1e3", "999", 1],
      [" 1", "1", 0],
      ["00", "0", 0],
      [5, "5abc", -1],
      [-5, "-5", 0],
      [-5, "chat1", -1],
      ["9223372036854775808", "9223372036854775807", 1],
      ["99999999999999999999", "99999999999999999998", 1],
      [1.5, "1.5", 0],
      ["chat9", "Chat9", 1],
      ["é", "z", 1],
      ["😀", "\uFFFD", 1],
      ["", "0", -1],
      [0, "", 1]
    ]
    it.each(table)("%j <=> %j = %i", (a, b, expected) => {
      assert.strictEqual(RecentOrder.compareIds(a, b), expected)
    })
  })

  describe("properties", () => {
    const id = FastCheck.oneof(
      FastCheck.integer({ min: -1_000, max: 1_000_000 }),
      FastCheck.integer({ min: 0, max: 1_000_000 }).map((n) => `chat${n}`)
    )
    const anItem = FastCheck.record({
      id,
      pinned: FastCheck.boolean(),
      message: FastCheck.record({
        date: FastCheck.integer({ min: T0, max: T0 + 5_000 }).map((ms) => DateTime.unsafeMake(ms))
      })
    })

    it.prop("compareIds is antisymmetric", { a: id, b: id }, ({ a, b }) => {
      assert.strictEqual(RecentOrder.compareIds(a, b), -RecentOrder.compareIds(b, a) || 0)
    })

    it.prop("compareIds is transitive", { a: id, b: id, c: id }, ({ a, b, c }) => {
      if (RecentOrder.compareIds(a, b) <= 0 && RecentOrder.compareIds(b, c) <= 0) {
        assert.isAtMost(RecentOrder.compareIds(a, c), 0)
      }
    })

    it.prop("compareIds is total: only equal ids compare equal", { a: id, b: id }, ({ a, b }) => {
      assert.strictEqual(RecentOrder.compareIds(a, b) === 0, a === b)
    })

    it.prop("every chat id ranks above every user id at the same second", { a: id, b: id }, ({ a, b }) => {
      if (typeof a === "string" && typeof b === "number") {
        assert.deepStrictEqual(ids(RecentOrder.sort([item(b), item(a)])), [a, b])
      }
    })

    it.prop("Order is antisymmetric and transitive over items", { a: anItem, b: anItem, c: anItem }, ({ a, b, c }) => {
      assert.strictEqual(RecentOrder.Order(a, b), -RecentOrder.Order(b, a) || 0)
      if (RecentOrder.Order(a, b) <= 0 && RecentOrder.Order(b, c) <= 0) {
        assert.isAtMost(RecentOrder.Order(a, c), 0)
      }
    })

    it.prop("sort output is ordered and a permutation", { items: FastCheck.array(anItem) }, ({ items }) => {
      const sorted = RecentOrder.sort(items)
      assert.strictEqual(sorted.length, items.length)
      assert.sameMembers(sorted, items)
      for (let i = 1; i < sorted.length; i++) {
        assert.isAtMost(RecentOrder.Order(sorted[i - 1], sorted[i]), 0)
      }
    })

    it.prop(
      "the PHP sample comes out the same from any input order",
      { order: FastCheck.shuffledSubarray(["chat9", "chat100", "chat10", 123, 5], { minLength: 5 }) },
      ({ order }) => {
        assert.deepStrictEqual(ids(RecentOrder.sort(order.map((id) => item(id)))), [
          "chat9",
          "chat100",
          "chat10",
          123,
          5
        ])
      }
    )
  })
})
