import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as AtomDateTime from "../src/AtomDateTime.js"
import * as RecentOrder from "../src/RecentOrder.js"
import * as RecentSnapshot from "../src/RecentSnapshot.js"

const T0 = Date.UTC(2026, 1, 25, 12, 0, 0)

interface TestItem extends RecentOrder.Item {
  readonly title: string
}

const item = (id: number | string, title: string, at = T0, pinned = false): TestItem => ({
  id,
  title,
  pinned,
  message: { date: DateTime.unsafeMake(at) }
})

const response = (result: ReadonlyArray<TestItem>, dateStart: string) => ({
  result,
  time: { date_start: Option.getOrThrow(AtomDateTime.parse(dateStart)) }
})

const ids = (items: ReadonlyArray<RecentOrder.Item>) => items.map((_) => _.id)

describe("RecentSnapshot", () => {
  it("replaces items with the same id, appends new ones, deletes nothing, and re-sorts", () => {
    const snapshot = [item("chat1", "old title", T0 + 2000), item(5, "dialog", T0 + 1000), item("chat2", "gone?", T0)]
    const delta = [item("chat1", "new title", T0 + 5000), item(7, "new dialog", T0 + 3000)]
    const merged = RecentSnapshot.merge(snapshot, delta)
    assert.deepStrictEqual(ids(merged), ["chat1", 7, 5, "chat2"])
    assert.strictEqual(merged[0].title, "new title")
  })

  it("moves an item that got pinned to the top", () => {
    const merged = RecentSnapshot.merge([item(1, "a", T0 + 1000), item(2, "b", T0)], [item(2, "b", T0, true)])
    assert.deepStrictEqual(ids(merged), [2, 1])
  })

  it("lets the later of repeated delta ids win", () => {
    const merged = RecentSnapshot.merge([], [item("chat3", "row"), item("chat3", "queue item")])
    assert.deepStrictEqual(
      merged.map((_) => _.title),
      ["queue item"]
    )
  })

  it('matches ids exactly: 5 and "5" are different items', () => {
    assert.strictEqual(RecentSnapshot.merge([item(5, "int")], [item("5", "string")]).length, 2)
  })

  it("is data-last as well", () => {
    const merged = RecentSnapshot.merge([item(2, "b")])([item(1, "a")])
    assert.deepStrictEqual(ids(merged), [2, 1])
  })

  it("takes the next sync date from time.date_start and moves it on each delta", () => {
    const full = response([item(1, "a", T0)], "2026-02-25T15:00:00+03:00")
    const snapshot = RecentSnapshot.fromResponse(full)
    assert.strictEqual(DateTime.formatIsoOffset(snapshot.syncDate), "2026-02-25T15:00:00.000+03:00")
    assert.strictEqual(RecentSnapshot.nextSyncDate(full), full.time.date_start)

    const delta = response([item("chat1", "b", T0 + 60_000)], "2026-02-25T15:05:00+03:00")
    const next = RecentSnapshot.applyDelta(snapshot, delta)
    assert.deepStrictEqual(ids(next.items), ["chat1", 1])
    assert.strictEqual(next.syncDate, delta.time.date_start)
  })

  describe("properties", () => {
    const id = FastCheck.oneof(
      FastCheck.integer({ min: 1, max: 60 }),
      FastCheck.integer({ min: 1, max: 60 }).map((n) => `chat${n}`)
    )
    const anItem = FastCheck.record({
      id,
      title: FastCheck.string({ maxLength: 3 }),
      pinned: FastCheck.boolean(),
      message: FastCheck.record({
        date: FastCheck.integer({ min: T0, max: T0 + 10_000 }).map((ms) => DateTime.unsafeMake(ms))
      })
    })
    const uniqueItems = FastCheck.uniqueArray(anItem, { selector: (_) => _.id, maxLength: 40 })

    it.prop(
      "merge never loses ids: ids(merge(s, d)) = ids(s) ∪ ids(d)",
      { s: uniqueItems, d: FastCheck.array(anItem) },
      ({ s, d }) => {
        const merged = RecentSnapshot.merge(s, d)
        assert.sameMembers(ids(merged), [...new Set([...ids(s), ...ids(d)])])
      }
    )

    it.prop(
      "merge is idempotent: merge(merge(s, d), d) = merge(s, d)",
      { s: uniqueItems, d: FastCheck.array(anItem) },
      ({ s, d }) => {
        const once = RecentSnapshot.merge(s, d)
        assert.deepStrictEqual(RecentSnapshot.merge(once, d), once)
      }
    )

    it.prop(
      "merge(s, full) = sort(full) when full has every id of s",
      { s: uniqueItems, extra: uniqueItems, seed: FastCheck.integer() },
      ({ s, extra, seed }) => {
        // full: a fresh version of every item of s plus other items, in some order
        const known = new Set(ids(s))
        const full = [...s.map((x) => ({ ...x, title: `${x.title}!` })), ...extra.filter((x) => !known.has(x.id))]
        const shuffled = full.map((x, i) => [((i + 1) * (seed | 1)) % 997, x] as const).sort((a, b) => a[0] - b[0])
        const input = shuffled.map(([, x]) => x)
        assert.deepStrictEqual(RecentSnapshot.merge(s, input), RecentOrder.sort(input))
      }
    )

    it.prop("merge output is in the server's order", { s: uniqueItems, d: FastCheck.array(anItem) }, ({ s, d }) => {
      const merged = RecentSnapshot.merge(s, d)
      for (let i = 1; i < merged.length; i++) assert.isAtMost(RecentOrder.Order(merged[i - 1], merged[i]), 0)
    })
  })
})
