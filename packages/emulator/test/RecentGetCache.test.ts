/**
 * `im.recent.get` answers are shared between reads of an unchanged state (`internal/methods/recentGet`), and their
 * bytes are spliced into later bodies (`internal/http/jsonBytes`): for any sequence of writes and reads, a shared
 * answer is byte for byte the answer computed afresh.
 */
import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Actions from "../src/Actions.js"
import * as ChatMembership from "../src/ChatMembership.js"
import * as Generator from "../src/Generator.js"
import { successBody } from "../src/internal/http/envelope.js"
import * as JsonBytes from "../src/internal/http/jsonBytes.js"
import * as RecentGet from "../src/internal/methods/recentGet.js"
import * as MessageEdit from "../src/MessageEdit.js"
import type * as PortalState from "../src/PortalState.js"
import * as RecentRead from "../src/RecentRead.js"
import { utc } from "./support.js"

const now = utc("2026-03-01T09:00:00Z")
const DAY = 86_400_000

const writeKinds = ["pin", "unpin", "unread", "read", "hide", "message", "edit", "mute", "leave"] as const

interface Write {
  readonly kind: (typeof writeKinds)[number]
  readonly userId: number
  readonly target: number
  readonly chat: boolean
}

const write: FastCheck.Arbitrary<Write> = FastCheck.record({
  kind: FastCheck.constantFrom(...writeKinds),
  userId: FastCheck.integer({ min: 1, max: 6 }),
  target: FastCheck.integer({ min: 1, max: 40 }),
  chat: FastCheck.boolean()
})

const read = FastCheck.record({
  kind: FastCheck.constant("get" as const),
  userId: FastCheck.integer({ min: 1, max: 6 }),
  params: FastCheck.oneof(
    FastCheck.constant({}),
    FastCheck.record({ SKIP_CHAT: FastCheck.constantFrom("Y", "N") }, { requiredKeys: [] }),
    FastCheck.record({ SKIP_DIALOG: FastCheck.constant("Y"), SKIP_OPENLINES: FastCheck.constant("Y") }),
    FastCheck.constant({ ONLY_OPENLINES: "Y" }),
    FastCheck.integer({ min: 0, max: 40 }).map((days) => ({
      LAST_SYNC_DATE: DateTime.formatIso(DateTime.unsafeMake(now.epochMillis - days * DAY)).replace("Z", "+00:00")
    }))
  ),
  // the clock moves on between steps; a read may also come much later (the default window moves past rows)
  later: FastCheck.integer({ min: 0, max: 20 * DAY })
})

const apply = (state: PortalState.PortalState, step: Write, at: DateTime.Utc, i: number): PortalState.PortalState => {
  const DIALOG_ID = step.chat ? `chat${step.target}` : String(step.target)
  const outcome =
    step.kind === "pin"
      ? Actions.pin(state, step.userId, at, { DIALOG_ID })
      : step.kind === "unpin"
        ? Actions.pin(state, step.userId, at, { DIALOG_ID, PIN: "N" })
        : step.kind === "unread"
          ? Actions.unread(state, step.userId, at, { DIALOG_ID })
          : step.kind === "read"
            ? Actions.read(state, step.userId, at, { DIALOG_ID })
            : step.kind === "hide"
              ? Actions.hide(state, step.userId, at, { DIALOG_ID })
              : step.kind === "edit"
                ? MessageEdit.update(state, step.userId, at, { ID: step.target, MESSAGE: `edited ${i}` })
                : step.kind === "mute"
                  ? ChatMembership.mute(state, step.userId, at, { CHAT_ID: step.target, MUTE: "Y" })
                  : step.kind === "leave"
                    ? ChatMembership.leave(state, step.userId, at, { CHAT_ID: step.target })
                    : Actions.addMessage(state, step.userId, at, { DIALOG_ID, MESSAGE: `m${i}` })
  return Either.isRight(outcome) ? outcome.right.state : state
}

const bytes = (chunks: ReadonlyArray<Uint8Array>): string => Buffer.concat(chunks).toString("utf8")

describe("im.recent.get answers shared between reads", () => {
  it.prop(
    "a shared answer, as sent, is byte for byte the answer computed afresh, for any writes and reads",
    [FastCheck.array(FastCheck.oneof(write, read, read), { minLength: 1, maxLength: 30 })],
    ([steps]) => {
      let state = Generator.generate({
        seed: 5,
        users: 8,
        chats: 12,
        messages: { perChat: 3 },
        locale: "ru",
        now,
        timeZone: "Europe/Moscow"
      })
      let clock = now.epochMillis
      steps.forEach((step, i) => {
        clock += 1000
        if (step.kind !== "get") {
          state = apply(state, step, DateTime.unsafeMake(clock), i)
          return
        }
        const at = DateTime.unsafeMake(clock + step.later)
        const time = { start: at.epochMillis / 1000 }
        const fresh = JSON.stringify(successBody(RecentRead.get(state, step.userId, at, step.params), time))
        // twice: the first read may fill the cache, the second reads from it
        for (let n = 0; n < 2; n++) {
          const shared = RecentGet.shared(state, step.userId, at, step.params)
          assert.strictEqual(bytes(JsonBytes.encodeChunks(successBody(shared, time))), fresh)
        }
      })
    },
    { fastCheck: { numRuns: 60 } }
  )

  it("a repeated read of an unchanged state returns the same answer, and a write makes a new one", () => {
    let state = Generator.generate({
      seed: 3,
      users: 6,
      chats: 8,
      messages: { perChat: 2 },
      locale: "en",
      now,
      timeZone: "UTC"
    })
    const first = RecentGet.shared(state, 1, now, {})
    assert.strictEqual(RecentGet.shared(state, 1, DateTime.unsafeMake(now.epochMillis + 1000), {}), first)
    const target = first.find((item) => item.type === "user")!
    const pinned = Actions.pin(state, 1, now, { DIALOG_ID: String(target.id) })
    assert.isTrue(Either.isRight(pinned))
    state = Either.getOrThrow(pinned).state
    const after = RecentGet.shared(state, 1, now, {})
    assert.notStrictEqual(after, first)
    assert.strictEqual(after.find((item) => item.id === target.id)?.pinned, true)
  })

  it("a large shared answer is sent as a chunk of its own, not copied into each body", () => {
    const state = Generator.generate({
      seed: 3,
      users: 30,
      chats: 80,
      messages: { perChat: 2 },
      locale: "ru",
      now,
      timeZone: "Europe/Moscow"
    })
    const shared = RecentGet.shared(state, 1, now, {})
    const first = JsonBytes.encodeChunks(successBody(shared, { start: 1 }))
    const second = JsonBytes.encodeChunks(successBody(shared, { start: 2 }))
    assert.isAbove(first.length, 1)
    const large = first.filter((chunk) => chunk.length >= 32 * 1024)
    assert.strictEqual(large.length, 1)
    assert.isTrue(second.includes(large[0]!))
  })
})
