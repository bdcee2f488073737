/**
 * `ImRecent.list` against the emulator's web handler, on the test's clock: whatever is written while the pages are
 * read, every item that is in the list before the first request and still there after the last one comes out, and
 * nothing comes out twice; more than 200 items in one second (which the cursor cannot page through) are reported,
 * and every older item still comes.
 */
import { assert, describe, it } from "@effect/vitest"
import { ImRecent } from "@im-recent/client"
import { Generator } from "@im-recent/emulator"
import { Chunk, DateTime, Effect, FastCheck, Layer, Option, Stream, TestClock } from "effect"
import * as EmulatorHandler from "./support/EmulatorHandler.js"

const NOW = "2026-03-02T12:00:00Z"

/** One write between two pages: who does what to which item (indices are taken modulo what exists then). */
const Write = FastCheck.record({
  kind: FastCheck.constantFrom("post", "post", "post", "reply", "pin", "unpin", "unread", "read", "edit", "mute"),
  target: FastCheck.nat(),
  author: FastCheck.nat(),
  seconds: FastCheck.integer({ min: 0, max: 3 })
})

type Json = Record<string, unknown>

describe("ImRecent.list while the list moves", () => {
  it.effect.prop(
    "a random sequence of writes while paging never loses an item and never repeats one",
    [
      FastCheck.integer({ min: 1, max: 1000 }),
      FastCheck.integer({ min: 1, max: 6 }),
      FastCheck.array(FastCheck.array(Write, { maxLength: 3 }), { minLength: 1, maxLength: 12 })
    ],
    ([seed, pageSize, writesBetweenPages]) =>
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.parse(NOW))
        const state = Generator.generate({
          ...Generator.defaults(DateTime.unsafeMake(NOW)),
          seed,
          users: 10,
          chats: 9,
          messages: { perChat: 2 },
          locale: "en"
        })
        const portal = yield* EmulatorHandler.make(state, NOW)
        const { call } = portal
        const hook = (userId: number) => state.webhooks.find((w) => w.userId === userId && w.scopes.includes("im"))
        const listed = Effect.map(call(1, "im.recent.list", { LIMIT: 200 }), (body) =>
          ((body.result as Json).items as Array<Json>).map((item) => item.id as number | string)
        )
        const posters = state.users.filter((u) => u.active && !u.bot && !u.connector && hook(u.id) !== undefined)

        const write = (w: typeof Write extends FastCheck.Arbitrary<infer A> ? A : never) =>
          Effect.gen(function* () {
            yield* TestClock.adjust(`${w.seconds} seconds`)
            const items = ((yield* call(1, "im.recent.list", { LIMIT: 200 })).result as Json).items as Array<Json>
            if (items.length === 0) return
            const item = items[w.target % items.length]!
            const dialogId = String(item.id)
            switch (w.kind) {
              case "post": // someone else writes to user 1 there (when they can log in): the item moves up
                if (item.type === "user") {
                  if (hook(item.id as number) !== undefined) {
                    yield* call(item.id as number, "im.message.add", { DIALOG_ID: 1, MESSAGE: "hi" })
                  }
                } else {
                  const member = posters[w.author % posters.length]!
                  yield* call(member.id, "im.message.add", { DIALOG_ID: dialogId, MESSAGE: "news" })
                }
                return
              case "reply":
                yield* call(1, "im.message.add", { DIALOG_ID: dialogId, MESSAGE: "ok" })
                return
              case "pin":
              case "unpin":
                yield* call(1, "im.recent.pin", { DIALOG_ID: dialogId, PIN: w.kind === "pin" ? "Y" : "N" })
                return
              case "unread":
                yield* call(1, "im.recent.unread", { DIALOG_ID: dialogId })
                return
              case "read":
                yield* call(1, "im.dialog.read", { DIALOG_ID: dialogId })
                return
              case "edit":
                yield* call(1, "im.message.update", { MESSAGE_ID: (item.message as Json).id, MESSAGE: "edited" })
                return
              case "mute":
                yield* call(1, "im.chat.mute", { DIALOG_ID: dialogId })
            }
          })

        const client = ImRecent.layer.pipe(Layer.provide(portal.transport(1)))

        const before = new Set(yield* listed)
        const emitted: Array<number | string> = []
        yield* Effect.scoped(
          Effect.gen(function* () {
            const recent = yield* ImRecent.ImRecent
            const pull = yield* Stream.toPull(recent.listPages({}, { pageSize }))
            let page = 0
            while (true) {
              const chunk = yield* Effect.option(pull)
              if (Option.isNone(chunk)) break
              for (const listPage of Chunk.toReadonlyArray(chunk.value)) {
                emitted.push(...listPage.items.map((item) => item.id))
              }
              for (const w of writesBetweenPages[page++ % writesBetweenPages.length] ?? []) yield* write(w)
            }
          }).pipe(Effect.provide(client))
        )
        const after = new Set(yield* listed)
        assert.strictEqual(new Set(emitted).size, emitted.length, `duplicates in ${emitted.join(",")}`)
        const lost = [...before].filter((id) => after.has(id) && !emitted.includes(id))
        assert.deepStrictEqual(lost, [], `page size ${pageSize}`)
      }),
    { timeout: 120_000, fastCheck: { numRuns: 20 } }
  )
})

describe("ImRecent.list with more than 200 items in one second", () => {
  it.effect(
    "260 im.message.add in one second on a 330-item list: every older item comes, and the overflow says how many of that second were listed",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.parse(NOW))
        const state = Generator.generate({
          ...Generator.defaults(DateTime.unsafeMake(NOW)),
          seed: 3,
          users: 10,
          chats: 9,
          messages: { perChat: 2 },
          locale: "en"
        })
        const portal = yield* EmulatorHandler.make(state, NOW)
        const client = ImRecent.layer.pipe(Layer.provide(portal.transport(1)))
        const listAll = (options?: ImRecent.ListOptions) =>
          Effect.flatMap(ImRecent.ImRecent, (recent) => recent.listAll({}, options)).pipe(Effect.provide(client))

        // grow user 1's list to 330 items, one new chat a second
        const start = yield* listAll()
        const created: Array<string> = []
        for (let i = start.items.length; i < 330; i++) {
          yield* TestClock.adjust("1 second")
          const added = yield* portal.call(1, "im.chat.add", { TITLE: `Batch ${i}`, USERS: [2] })
          created.push(`chat${added.result as number}`)
        }
        const before = yield* listAll()
        assert.strictEqual(before.items.length, 330)
        assert.deepStrictEqual(before.overflow, [])

        // a batch of posts: 260 messages within one second
        yield* TestClock.adjust("1 minute")
        const posted = created.slice(0, 260)
        for (const dialogId of posted) {
          const sent = yield* portal.call(1, "im.message.add", { DIALOG_ID: dialogId, MESSAGE: "release notes" })
          assert.isNumber(sent.result, JSON.stringify(sent))
        }
        const crowdedSecond = Math.floor(Date.parse(NOW) / 1000) + created.length + 60

        const after = yield* listAll()
        const ids = after.items.map((item) => item.id)
        assert.strictEqual(new Set(ids).size, ids.length, "no duplicates")
        // every item that was not posted to is older than the crowded second: all of them come
        const untouched = before.items.map((item) => item.id).filter((id) => !posted.includes(String(id)))
        assert.strictEqual(untouched.length, 70)
        assert.deepStrictEqual(
          untouched.filter((id) => !ids.includes(id)),
          []
        )
        // of the crowded second, what the pages could hold; the overflow says exactly that
        const listed = after.items.filter((item) => posted.includes(String(item.id))).length
        assert.isAtLeast(listed, 155) // 200 less at most 45 pinned items
        assert.deepStrictEqual(
          after.overflow.map((overflow) => [Math.floor(overflow.second.epochMillis / 1000), overflow.listed]),
          [[crowdedSecond, listed]]
        )
        assert.strictEqual(after.items.length, 330 - (260 - listed))

        // strict: a typed error instead
        const error = yield* Effect.flip(listAll({ onOverflow: "fail" }))
        assert.strictEqual(error._tag, "ListOverflow")
      }),
    { timeout: 120_000 }
  )
})
