/**
 * The contract suite, written once and run against any {@link Target.Target}: responses decode with
 * the client, each parameter means what the server says it means, each documented error maps to the
 * right typed error, and dates keep their offsets end to end. Checks a target cannot show are
 * skipped, and the test's name says why.
 *
 * ```ts
 * // contracts.test.ts in your project
 * import * as Suite from "@im-recent/contracts/Suite"
 * import * as Target from "@im-recent/contracts/Target"
 * Suite.run(Target.live())
 * ```
 *
 * @since 0.1.0
 */

import { assert, describe, it, layer } from "@effect/vitest"
import { Bitrix24, ImBatch, ImCommand, ImMessenger, ImRecent } from "@im-recent/client"
import {
  AtomDateTime,
  ChatAdd,
  ChatLeave,
  ChatMute,
  CountersGet,
  DialogId,
  DialogUnread,
  MessageDelete,
  MessageUpdate,
  RecentGet,
  RecentItem,
  RecentList,
  RecentOrder,
  RecentUnread,
  RestResponse
} from "@im-recent/domain"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Fixtures from "./Fixtures.js"
import { Endpoint, type Failure, type Services, type Target } from "./Target.js"

const TIMEOUT = 60_000

/** The schema with excess properties forbidden everywhere inside it. */
const strictly = <A, I>(schema: Schema.Schema<A, I>): Schema.Schema<A, I> =>
  schema.annotations({ parseOptions: { onExcessProperty: "error" } })

const ids = (items: ReadonlyArray<RecentItem.RecentItem>): ReadonlySet<string | number> =>
  new Set(items.map((item) => item.id))

const typeLetter = (item: RecentItem.RecentItem): string => (item.type === "user" ? "P" : item.chat.message_type)

/** What one flag removes: `all` minus `filtered`, checked against the letters it must (and only) remove. */
const assertRemoves = (
  all: ReadonlyArray<RecentItem.RecentItem>,
  filtered: ReadonlyArray<RecentItem.RecentItem>,
  letters: ReadonlyArray<string>
) => {
  const kept = ids(filtered)
  for (const item of filtered) {
    assert.notInclude(letters, typeLetter(item), `${item.id} (${typeLetter(item)}) should have been removed`)
  }
  for (const item of all) {
    if (!letters.includes(typeLetter(item))) {
      assert.isTrue(kept.has(item.id), `${item.id} (${typeLetter(item)}) should have been kept`)
    }
  }
}

const assertServerOrder = (items: ReadonlyArray<RecentItem.RecentItem>) =>
  assert.deepStrictEqual(
    items.map((item) => item.id),
    RecentOrder.sort(items).map((item) => item.id)
  )

/** Every ATOM date the wire carried comes back as the same text: same instant, same offset. */
const assertDatesKeepOffsets = (text: string, items: ReadonlyArray<RecentItem.RecentItem>) => {
  const wire = (JSON.parse(text) as { result: Array<Record<string, unknown>> }).result
  assert.strictEqual(wire.length, items.length)
  items.forEach((item, i) => {
    const raw = wire[i]!
    assert.strictEqual(AtomDateTime.format(item.date_update), raw.date_update)
    assert.strictEqual(AtomDateTime.format(item.message.date), (raw.message as Record<string, unknown>).date)
    if (item.date_last_activity !== undefined) {
      assert.strictEqual(AtomDateTime.format(item.date_last_activity), raw.date_last_activity)
    }
  })
}

const expectedError: Record<Failure, { readonly tag: string; readonly reason?: string; readonly status: number }> = {
  INVALID_CREDENTIALS: { tag: "AuthError", reason: "INVALID_CREDENTIALS", status: 401 },
  expired_token: { tag: "AuthError", reason: "expired_token", status: 401 },
  // 401, not the docs' 403: `OAuthException` answers STATUS_UNAUTHORIZED unless an `error_status` is given, and
  // neither `APAuth\Auth::check` nor `OAuth\Auth::onRestCheckAuth` gives one (rest/lib, yuliai/bitrix-modules)
  insufficient_scope: { tag: "AuthError", reason: "insufficient_scope", status: 401 },
  QUERY_LIMIT_EXCEEDED: { tag: "QueryLimitExceeded", status: 503 },
  OPERATION_TIME_LIMIT: { tag: "OperationTimeLimit", status: 429 },
  OVERLOAD_LIMIT: { tag: "Overloaded", status: 503 },
  INTERNAL_SERVER_ERROR: { tag: "ServerError", status: 500 },
  html502: { tag: "InvalidResponseBody", reason: "Html", status: 502 }
}

/**
 * The first call that fails: a server enforcing a rate or operating limit lets the first call
 * through (the operating limit blocks the call after the one that crossed it).
 */
const provoke = Effect.gen(function* () {
  const recent = yield* ImRecent.ImRecent
  const first = yield* Effect.either(recent.get())
  return Either.isLeft(first) ? first : yield* Effect.either(recent.get())
})

/**
 * Registers the suite for `target` with vitest (sequentially: msw state is global).
 *
 * @since 0.1.0
 * @category suites
 */
export const run = (target: Target): void => {
  describe.sequential(`contracts against ${target.name}`, () => {
    if (target.skip !== undefined) {
      console.info(`[contracts] skipping "${target.name}": ${target.skip}`)
      it.skip(`skipped: ${target.skip}`, () => {})
      return
    }
    const stateful = [target.stateful, "the answer of this target does not depend on parameters"] as const
    const mutating = [target.mutations, "mutations are off for this target"] as const
    const strict = [target.strict, "a live portal may send fields this version does not model"] as const
    const documented = [target.documented !== undefined, "this target does not hold the documented example"] as const

    layer(target.services, { excludeTestServices: true, timeout: TIMEOUT })((it) => {
      /** A check this target can show runs; one it cannot is skipped, and its name says why. */
      const check = (
        name: string,
        body: () => Effect.Effect<void, unknown, Services>,
        [can, reason]: readonly [boolean, string] = [true, ""]
      ) => (can ? it.effect(name, body, TIMEOUT) : it.effect.skip(`${name} — skipped: ${reason}`, body))

      describe("responses decode with the client", () => {
        it.effect(
          `im.recent.get${target.strict ? " (excess properties forbidden)" : ""}`,
          () =>
            Effect.gen(function* () {
              const bitrix = yield* Bitrix24.Bitrix24
              const schema = target.strict ? strictly(RecentGet.Response) : RecentGet.Response
              const response = yield* bitrix.call(RecentGet.method, {}, schema)
              assert.isArray(response.result)
            }),
          TIMEOUT
        )

        it.effect(
          `im.recent.list${target.strict ? " (excess properties forbidden)" : ""}`,
          () =>
            Effect.gen(function* () {
              const bitrix = yield* Bitrix24.Bitrix24
              const schema = target.strict ? strictly(RecentList.Response) : RecentList.Response
              const response = yield* bitrix.call(RecentList.method, { LIMIT: 50 }, schema)
              assert.isArray(response.result.items)
            }),
          TIMEOUT
        )

        check(
          "the wire text re-encodes exactly from the decoded value",
          () =>
            Effect.gen(function* () {
              const endpoint = yield* Endpoint
              const { text } = yield* endpoint.raw(RecentGet.method, {})
              const wire = JSON.parse(text)
              const decoded = Schema.decodeUnknownSync(strictly(RecentGet.Response))(wire)
              assert.deepStrictEqual(Schema.encodeSync(RecentGet.Response)(decoded), wire)
            }),
          strict
        )

        check(
          "the documented request gets exactly the documented JSON (all but time)",
          () =>
            Effect.gen(function* () {
              const endpoint = yield* Endpoint
              const { text } = yield* endpoint.raw(RecentGet.method, Fixtures.recentGetRequest)
              const fixture = Fixtures.recentGet(target.documented ?? "en") as { result: unknown }
              assert.strictEqual(JSON.stringify(JSON.parse(text).result), JSON.stringify(fixture.result))
            }),
          documented
        )

        check(
          "im.recent.pin and im.recent.unread answer { result: boolean, time }",
          () =>
            Effect.gen(function* () {
              const recent = yield* ImRecent.ImRecent
              const bitrix = yield* Bitrix24.Bitrix24
              const { items } = yield* recent.get()
              const item = items.find((item) => !item.pinned)
              if (item === undefined) return
              const id = RecentItem.dialogId(item)
              assert.isTrue(yield* recent.pin(id, true))
              assert.isTrue(yield* recent.pin(id, false))
              const strictBoolean = target.strict
                ? strictly(RestResponse.BooleanResponse)
                : RestResponse.BooleanResponse
              const unread = yield* bitrix.call(
                RecentUnread.method,
                { DIALOG_ID: DialogId.format(id), ACTION: "N" },
                strictBoolean
              )
              assert.isBoolean(unread.result)
            }),
          mutating
        )
      })

      describe("each parameter means what the server says", () => {
        it.effect(
          "items come in the server's order (pinned, newest message, id with PHP comparison)",
          () =>
            Effect.gen(function* () {
              const recent = yield* ImRecent.ImRecent
              assertServerOrder((yield* recent.get()).items)
            }),
          TIMEOUT
        )

        check(
          "SKIP_CHAT removes group and open chats (C, O) and nothing else",
          () =>
            Effect.gen(function* () {
              const recent = yield* ImRecent.ImRecent
              const all = (yield* recent.get()).items
              assertRemoves(all, (yield* recent.get({ SKIP_CHAT: true })).items, ["C", "O"])
            }),
          stateful
        )

        check(
          "SKIP_DIALOG removes one-to-one dialogs and nothing else",
          () =>
            Effect.gen(function* () {
              const recent = yield* ImRecent.ImRecent
              const all = (yield* recent.get()).items
              assertRemoves(all, (yield* recent.get({ SKIP_DIALOG: true })).items, ["P"])
            }),
          stateful
        )

        check(
          "SKIP_OPENLINES removes open lines and nothing else",
          () =>
            Effect.gen(function* () {
              const recent = yield* ImRecent.ImRecent
              const all = (yield* recent.get()).items
              assertRemoves(all, (yield* recent.get({ SKIP_OPENLINES: true })).items, ["L"])
            }),
          stateful
        )

        check(
          "ONLY_OPENLINES returns open lines only, with no date window, and overrides SKIP_OPENLINES",
          () =>
            Effect.gen(function* () {
              const recent = yield* ImRecent.ImRecent
              const all = (yield* recent.get()).items
              const only = (yield* recent.get({ ONLY_OPENLINES: true, SKIP_OPENLINES: true })).items
              for (const item of only) assert.strictEqual(typeLetter(item), "L")
              const onlyIds = ids(only)
              for (const item of all.filter((item) => typeLetter(item) === "L")) assert.isTrue(onlyIds.has(item.id))
            }),
          stateful
        )

        check(
          "LAST_SYNC_DATE returns what changed since, and a change made since shows up",
          () =>
            Effect.gen(function* () {
              const recent = yield* ImRecent.ImRecent
              const first = yield* recent.get()
              const changed = target.mutations ? first.items.find((item) => !item.pinned) : undefined
              if (changed !== undefined) yield* recent.pin(RecentItem.dialogId(changed), true)
              const delta = yield* recent.get({ LAST_SYNC_DATE: first.nextSyncDate })
              const since = Math.floor(first.nextSyncDate.epochMillis / 1000)
              for (const item of delta.items) {
                assert.isAtLeast(
                  Math.floor(item.date_update.epochMillis / 1000),
                  since,
                  `${item.id} is older than the sync date`
                )
              }
              if (changed !== undefined) {
                const seen = delta.items.find((item) => item.id === changed.id)
                assert.isDefined(seen, "the pinned item is in the delta")
                assert.isTrue(seen!.pinned)
                yield* recent.pin(RecentItem.dialogId(changed), false)
              }
            }),
          stateful
        )

        check(
          "a LAST_SYNC_DATE older than 7 days is clamped to 7 days, and the client reports it",
          () =>
            Effect.gen(function* () {
              const recent = yield* ImRecent.ImRecent
              const now = (yield* recent.get()).time.date_start
              const old = yield* recent.get({ LAST_SYNC_DATE: DateTime.subtract(now, { days: 30 }) })
              assert.isTrue(Option.isSome(old.clampedSince))
              const weekAgo = DateTime.subtract(now, { days: 7 })
              for (const item of old.items) {
                assert.isTrue(
                  DateTime.greaterThanOrEqualTo(item.date_update, DateTime.subtract(weekAgo, { minutes: 1 }))
                )
              }
              const week = yield* recent.get({ LAST_SYNC_DATE: weekAgo })
              const weekIds = ids(week.items)
              const settled = DateTime.add(weekAgo, { minutes: 5 })
              for (const item of old.items.filter((item) => DateTime.greaterThan(item.date_update, settled))) {
                assert.isTrue(weekIds.has(item.id))
              }
            }),
          stateful
        )

        check(
          "LAST_UPDATE overrides LAST_SYNC_DATE",
          () =>
            Effect.gen(function* () {
              const recent = yield* ImRecent.ImRecent
              const now = (yield* recent.get()).time.date_start
              const sixDays = DateTime.subtract(now, { days: 6 })
              const both = yield* recent.get({
                LAST_SYNC_DATE: DateTime.subtract(now, { hours: 1 }),
                LAST_UPDATE: sixDays
              })
              const alone = yield* recent.get({ LAST_SYNC_DATE: sixDays })
              assert.deepStrictEqual([...ids(both.items)].sort(), [...ids(alone.items)].sort())
            }),
          stateful
        )
      })

      describe("the write family (im.message.*, im.chat.*, im.dialog.unread / read.all, batch)", () => {
        const writing = [
          target.stateful && target.mutations,
          "this target neither keeps state nor allows mutations"
        ] as const

        check(
          "bad input gets the handler's codes and statuses",
          () =>
            Effect.gen(function* () {
              const bitrix = yield* Bitrix24.Bitrix24
              const cases: ReadonlyArray<readonly [string, Record<string, unknown>, string, number]> = [
                [MessageUpdate.method, { MESSAGE: "x" }, "MESSAGE_ID_ERROR", 400],
                [MessageDelete.method, {}, "MESSAGE_ID_ERROR", 400],
                [ChatLeave.method, {}, "CHAT_ID_EMPTY", 400],
                [ChatLeave.method, { DIALOG_ID: "1" }, "DIALOG_ID_EMPTY", 400],
                [ChatMute.method, {}, "CHAT_ID_EMPTY", 400],
                [DialogUnread.method, { DIALOG_ID: "chat1" }, "MESSAGE_ID_ERROR", 400],
                [DialogUnread.method, { MESSAGE_ID: 1, DIALOG_ID: "nope" }, "DIALOG_ID_EMPTY", 400],
                [ChatAdd.method, { USERS: [true] }, "INVALID_FORMAT", 400]
              ]
              for (const [method, params, code, status] of cases) {
                const error = yield* Effect.flip(bitrix.call(method, params, Schema.Unknown))
                assert.isTrue(error._tag === "MethodError", `${method}: ${error._tag}`)
                if (error._tag === "MethodError") assert.deepStrictEqual([error.code, error.status], [code, status])
              }
            }),
          stateful
        )

        check(
          "a chat's life: created with a message, edited, deleted, muted, read and unread, left — as the list shows it",
          () =>
            Effect.gen(function* () {
              const im = yield* ImMessenger.make
              const recent = yield* ImRecent.ImRecent
              const chatId = yield* im.chat.add({ TITLE: "im-recent contract", MESSAGE: "first" })
              const item = (items: ReadonlyArray<RecentItem.RecentItem>) =>
                items.find((i) => i.type === "chat" && i.chat_id === chatId)
              const created = item((yield* recent.get()).items)
              assert.isTrue(created?.type === "chat" && created.chat.role === "OWNER")
              const messageId = yield* im.message.add(`chat${chatId}`, "to be edited")
              const before = yield* recent.get()
              assert.isTrue(yield* im.message.update(messageId, { MESSAGE: "edited" }))
              const delta = yield* recent.get({ LAST_SYNC_DATE: before.nextSyncDate })
              const edited = item(delta.items)
              assert.strictEqual(edited?.message.text, "edited")
              assert.strictEqual(
                edited && AtomDateTime.format(edited.message.date),
                AtomDateTime.format(item(before.items)!.message.date)
              )
              assert.isTrue(yield* im.message.delete(messageId))
              assert.notStrictEqual(item((yield* recent.get()).items)?.message.text, "edited")
              assert.isTrue(yield* im.chat.mute(DialogId.chat(chatId)))
              const muted = item((yield* recent.get()).items)
              assert.isTrue(muted?.type === "chat" && muted.chat.mute_list.length === 1)
              assert.isTrue(yield* im.dialog.unread(DialogId.chat(chatId), messageId))
              assert.isTrue(yield* im.dialog.readAll())
              assert.isTrue(yield* im.chat.leave(chatId))
              assert.isUndefined(item((yield* recent.get()).items))
              const gone = yield* Effect.flip(im.dialog.get(DialogId.chat(chatId)))
              assert.isTrue(gone._tag === "MethodError" && gone.code === "ACCESS_ERROR" && gone.status === 403)
            }),
          writing
        )

        check(
          `a batch answers each command, typed${target.strict ? " (excess properties forbidden)" : ""}`,
          () =>
            Effect.gen(function* () {
              const bitrix = yield* Bitrix24.Bitrix24
              const outcomes = yield* ImBatch.run({
                counters: ImCommand.make({
                  method: CountersGet.method,
                  paramsSchema: Schema.Struct({}),
                  params: {},
                  result: target.strict ? strictly(CountersGet.Counters) : CountersGet.Counters
                }),
                refused: ImCommand.message.update(0x7fffffff, { MESSAGE: "x" })
              }).pipe(Effect.provideService(Bitrix24.Bitrix24, bitrix))
              assert.isTrue(Either.isRight(outcomes.counters))
              assert.isTrue(
                Either.isLeft(outcomes.refused) &&
                  outcomes.refused.left._tag === "MethodError" &&
                  outcomes.refused.left.code === "CANT_EDIT_MESSAGE"
              )
            }),
          stateful
        )
      })

      it.effect(
        "dates keep their offsets end to end",
        () =>
          Effect.gen(function* () {
            const endpoint = yield* Endpoint
            const recent = yield* ImRecent.ImRecent
            const { items, time } = yield* recent.get()
            const { text } = yield* endpoint.raw(RecentGet.method, {})
            assertDatesKeepOffsets(text, items)
            const offset = AtomDateTime.offsetOf(time.date_start)
            for (const item of items) assert.strictEqual(AtomDateTime.offsetOf(item.date_update), offset)
          }),
        TIMEOUT
      )

      it.effect(
        "an unknown method is MethodNotFound",
        () =>
          Effect.gen(function* () {
            const bitrix = yield* Bitrix24.Bitrix24
            const result = yield* Effect.either(bitrix.call("im.recent.nosuchmethod", {}, Schema.Unknown))
            assert.isTrue(Either.isLeft(result))
            if (Either.isLeft(result)) assert.strictEqual(result.left._tag, "MethodNotFound")
          }),
        TIMEOUT
      )
    })

    describe("each documented error maps to the right typed client error", () => {
      for (const failure of Object.keys(expectedError) as Array<Failure>) {
        const failing = target.failing(failure)
        const expected = expectedError[failure]
        const name = `${failure} -> ${expected.tag}${expected.reason === undefined ? "" : `(${expected.reason})`}`
        if (Option.isNone(failing)) {
          it.skip(`${name} — skipped: this target cannot produce ${failure} on demand`, () => {})
          continue
        }
        it.effect(
          name,
          () =>
            Effect.gen(function* () {
              const result = yield* provoke
              assert.isTrue(Either.isLeft(result), "the call failed")
              if (Either.isRight(result)) return
              const error = result.left as { _tag: string; reason?: string; status?: number; retryable: boolean }
              assert.strictEqual(error._tag, expected.tag)
              if (expected.reason !== undefined) assert.strictEqual(error.reason, expected.reason)
              assert.strictEqual(error.status, expected.status)
            }).pipe(Effect.provide(failing.value as Layer.Layer<Services>), Effect.scoped),
          TIMEOUT
        )
      }
    })
  })
}
