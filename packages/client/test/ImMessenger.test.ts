import { assert, describe, it } from "@effect/vitest"
import { Bitrix24Error, ImBatch, ImCommand, ImMessenger } from "@im-recent/client"
import { DialogId } from "@im-recent/domain"
import { Generator } from "@im-recent/emulator"
import { DateTime, Effect, Either, TestClock } from "effect"
import * as EmulatorHandler from "./support/EmulatorHandler.js"
import * as Msw from "./support/Msw.js"

const NOW = "2026-03-02T12:00:00Z"

/** A generated portal behind the emulator's web handler; the messenger of user 1 (and the raw calls). */
const setup = Effect.gen(function* () {
  yield* TestClock.setTime(Date.parse(NOW))
  const state = Generator.generate({ ...Generator.defaults(DateTime.unsafeMake(NOW)), seed: 3, locale: "en" })
  const portal = yield* EmulatorHandler.make(state, NOW)
  const im = yield* ImMessenger.make.pipe(Effect.provide(portal.transport(1)))
  const other = yield* ImMessenger.make.pipe(Effect.provide(portal.transport(2)))
  // someone user 1 has a private chat with
  const partner = state.relations.find(
    (r) =>
      r.userId !== 1 &&
      state.chats.some((c) => c.id === r.chatId && c.type === "P") &&
      state.relations.some((mine) => mine.chatId === r.chatId && mine.userId === 1)
  )!.userId
  return { portal, im, other, partner }
})

const recentIds = (portal: EmulatorHandler.EmulatorHandler, userId: number) =>
  Effect.map(portal.call(userId, "im.recent.get", {}), (body) =>
    (body.result as Array<{ id: string | number }>).map((item) => item.id)
  )

describe("ImMessenger against the emulator", () => {
  it.effect("creates a chat, posts, edits and deletes in it, mutes and leaves it; every answer decoded", () =>
    Effect.gen(function* () {
      const { im, other, portal } = yield* setup
      const chatId = yield* im.chat.add({ TITLE: "Release", USERS: [2, 3], TYPE: "CHAT", COLOR: "MINT" })
      const chat = yield* im.dialog.get(DialogId.chat(chatId))
      assert.deepStrictEqual([chat.name, chat.owner, chat.role, chat.user_counter], ["Release", 1, "owner", 3])
      const messageId = yield* im.message.add(`chat${chatId}`, "Shipping on Friday")
      assert.isTrue(yield* im.message.update(messageId, { MESSAGE: "Shipping on Monday" }))
      const edited = yield* Effect.flip(other.message.update(messageId, { MESSAGE: "not mine" }))
      assert.isTrue(edited._tag === "MethodError" && edited.code === "CANT_EDIT_MESSAGE" && edited.status === 403)
      assert.strictEqual(edited.method, "im.message.update")
      assert.isTrue(yield* im.chat.mute(DialogId.chat(chatId)))
      const counters = yield* other.counters.get()
      assert.deepStrictEqual((counters.CHAT as Record<string, number>)[String(chatId)], 1)
      assert.isTrue(yield* other.dialog.readAll())
      assert.deepStrictEqual((yield* other.counters.get()).TYPE.MESSENGER, 0)
      assert.isTrue(yield* other.dialog.unread(`chat${chatId}`, messageId))
      assert.strictEqual(((yield* other.counters.get()).CHAT as Record<string, number>)[String(chatId)], 1)
      assert.isTrue(yield* im.message.delete(messageId))
      assert.isTrue(yield* other.chat.leave(chatId))
      assert.notInclude(yield* recentIds(portal, 2), `chat${chatId}`)
      const gone = yield* Effect.flip(other.dialog.get(`chat${chatId}`))
      assert.isTrue(gone._tag === "MethodError" && gone.code === "ACCESS_ERROR" && gone.status === 403)
    })
  )

  it.effect("a dialog id that is none is refused before anything is sent", () =>
    Effect.gen(function* () {
      const { im } = yield* setup
      const error = yield* Effect.flip(im.dialog.get("chat0"))
      assert.instanceOf(error, Bitrix24Error.InvalidParams)
      assert.strictEqual(error.issues[0]!.path, "DIALOG_ID")
    })
  )
})

describe("ImBatch", () => {
  it.effect("runs typed commands in one request; each answers for itself", () =>
    Effect.gen(function* () {
      const { im, partner, portal } = yield* setup
      const outcomes = yield* im.batch({
        counters: ImCommand.counters.get(),
        created: ImCommand.chat.add({ TITLE: "Batch", USERS: [2] }),
        refused: ImCommand.dialog.get("chat99999"),
        pinned: ImCommand.recent.pin(partner)
      })
      assert.isTrue(Either.isRight(outcomes.counters) && typeof outcomes.counters.right.TYPE.ALL === "number")
      assert.isTrue(Either.isRight(outcomes.created) && outcomes.created.right > 0)
      assert.isTrue(
        Either.isLeft(outcomes.refused) &&
          outcomes.refused.left._tag === "MethodError" &&
          outcomes.refused.left.code === "ACCESS_ERROR" &&
          outcomes.refused.left.method === "im.dialog.get"
      )
      assert.isTrue(Either.isRight(outcomes.pinned))
      const created = Either.getOrThrow(outcomes.created)
      assert.include(yield* recentIds(portal, 2), `chat${created}`)
    })
  )

  it.effect("halt: the first failure fails the batch and the commands after it do not run", () =>
    Effect.gen(function* () {
      const { im, partner, portal } = yield* setup
      const before = yield* recentIds(portal, 1)
      const error = yield* Effect.flip(
        im.batch(
          {
            counters: ImCommand.counters.get(),
            refused: ImCommand.message.update(999_999, { MESSAGE: "x" }),
            never: ImCommand.chat.add({ TITLE: "never", USERS: [2] })
          },
          { halt: true }
        )
      )
      assert.isTrue(error._tag === "MethodError" && error.code === "CANT_EDIT_MESSAGE")
      assert.deepStrictEqual(yield* recentIds(portal, 1), before)
      const all = yield* im.batch(
        { counters: ImCommand.counters.get(), dialog: ImCommand.dialog.get(partner) },
        { halt: true }
      )
      assert.strictEqual(all.dialog.type, "private")
    })
  )

  it.effect(
    "more than 50 commands or a command that cannot be sent fail before anything is sent; none sends nothing",
    () =>
      Effect.gen(function* () {
        const portal = yield* Msw.fakePortal(() => Msw.ok({ result: [] }))
        const transport = Msw.webhookLayer(portal)
        const commands = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`c${i}`, ImCommand.counters.get()]))
        const tooMany = yield* Effect.flip(ImBatch.run(commands).pipe(Effect.provide(transport)))
        assert.instanceOf(tooMany, Bitrix24Error.InvalidParams)
        assert.include(tooMany.message, "at most 50 commands")
        const bad = yield* Effect.flip(
          ImBatch.run({ ok: ImCommand.counters.get(), bad: ImCommand.chat.mute("chat") }).pipe(
            Effect.provide(transport)
          )
        )
        assert.strictEqual(bad._tag === "InvalidParams" && bad.issues[0]!.path, "cmd.bad.DIALOG_ID")
        assert.deepStrictEqual(yield* ImBatch.run({}).pipe(Effect.provide(transport)), {})
        assert.strictEqual(portal.requests.length, 0)
      }).pipe(Effect.provide(Msw.layer))
  )

  it("toQuery writes PHP's query form: nested arrays and objects, encoded names and values", () => {
    assert.strictEqual(
      ImBatch.toQuery({ USERS: [2, 3], ATTACH: { BLOCKS: [{ MESSAGE: "a&b c" }] }, TITLE: "ü=1", SKIP: null, Y: true }),
      "USERS[0]=2&USERS[1]=3&ATTACH[BLOCKS][0][MESSAGE]=a%26b%20c&TITLE=%C3%BC%3D1&Y=1"
    )
  })

  it.effect("a command's parameters go out exactly as in a single call", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal(() =>
        Msw.ok({ result: { add: 5 }, result_error: [], result_total: [], result_next: [], result_time: [] })
      )
      const out = yield* ImBatch.run({ add: ImCommand.chat.add({ USERS: [2, 3], TITLE: "T" }) }, { halt: true }).pipe(
        Effect.provide(Msw.webhookLayer(portal))
      )
      assert.deepStrictEqual(out, { add: 5 })
      assert.deepStrictEqual(portal.requests[0]!.json, {
        halt: 1,
        cmd: { add: "im.chat.add?USERS[0]=2&USERS[1]=3&TITLE=T" }
      })
      assert.isTrue(portal.requests[0]!.url.pathname.endsWith("/batch"))
    }).pipe(Effect.provide(Msw.layer))
  )
})

describe("ImCommand", () => {
  it("commands are values: parameters encoded once, refused ones kept with their reasons", () => {
    const mute = ImCommand.chat.mute("chat7", false)
    assert.isTrue(ImCommand.isImCommand(mute))
    assert.deepStrictEqual(Either.getOrThrow(mute.params), { DIALOG_ID: "chat7", ACTION: "N" })
    assert.isTrue(mute.idempotent)
    assert.isFalse(ImCommand.message.add(5, "x").idempotent)
    const bad = ImCommand.message.update(-1, { MESSAGE: "x" })
    assert.isTrue(Either.isLeft(bad.params) && bad.params.left[0]!.path === "MESSAGE_ID")
  })

  it.effect("run sends one command on the transport in context", () =>
    Effect.gen(function* () {
      const portal = yield* Msw.fakePortal(() => Msw.ok(true))
      const result = yield* ImCommand.run(ImCommand.dialog.unread(DialogId.user(5), 12)).pipe(
        Effect.provide(Msw.webhookLayer(portal))
      )
      assert.isTrue(result)
      assert.deepStrictEqual(portal.requests[0]!.json, { DIALOG_ID: "5", MESSAGE_ID: 12 })
    }).pipe(Effect.provide(Msw.layer))
  )
})
