/**
 * The REST methods the emulated portal answers, by lower-case name, each in the `im` scope: the recent list
 * (`im.recent.get`, `im.recent.list`, `im.recent.pin`, `im.recent.unread`, `im.recent.hide`), its neighbours
 * (`im.dialog.get`, `im.dialog.read`, `im.dialog.unread`, `im.dialog.read.all`, `im.counters.get`), and the writes
 * that make the list move (`im.message.add`, `im.message.update`, `im.message.delete`, `im.chat.add`,
 * `im.chat.leave`, `im.chat.mute`).
 *
 * Reads take the state as it is when the call starts; writes change it atomically (`SynchronizedRef.modifyEffect`),
 * so concurrent calls serialise like requests against one database. Handlers never decode with Schema on the way:
 * the wire objects are built directly (see `RecentRead`, `Actions`, `DialogRead`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as SynchronizedRef from "effect/SynchronizedRef"
import * as Actions from "./Actions.js"
import * as ChatMembership from "./ChatMembership.js"
import * as DialogRead from "./DialogRead.js"
import * as RecentGet from "./internal/methods/recentGet.js"
import * as MessageEdit from "./MessageEdit.js"
import type { CallContext, Method, MethodError } from "./Portal.js"
import type { PortalState } from "./PortalState.js"
import * as ReadState from "./ReadState.js"
import * as RecentRead from "./RecentRead.js"

type Params = Readonly<Record<string, unknown>>

const SCOPE = "im"

const reading = (run: (state: PortalState, context: CallContext, params: Params) => unknown): Method => ({
  scope: SCOPE,
  handler: (context, params) => Effect.map(SynchronizedRef.get(context.state), (state) => run(state, context, params))
})

const checkedReading = (
  run: (state: PortalState, context: CallContext, params: Params) => Either.Either<unknown, MethodError>
): Method => ({
  scope: SCOPE,
  handler: (context, params) =>
    Effect.flatMap(SynchronizedRef.get(context.state), (state) => {
      const outcome = run(state, context, params)
      return Either.isLeft(outcome) ? Effect.fail(outcome.left) : Effect.succeed(outcome.right)
    })
})

const writing = <A>(action: Actions.Action<A>): Method => ({
  scope: SCOPE,
  handler: (context, params) =>
    SynchronizedRef.modifyEffect(context.state, (state) => {
      const outcome = action(state, context.userId, context.now, params)
      return Either.isLeft(outcome)
        ? Effect.fail(outcome.left)
        : Effect.succeed([outcome.right.result as unknown, outcome.right.state] as const)
    })
})

/**
 * Every method, keyed by its lower-case name.
 *
 * @since 0.1.0
 * @category methods
 */
export const methods: ReadonlyMap<string, Method> = new Map<string, Method>([
  ["im.recent.get", reading((state, context, params) => RecentGet.shared(state, context.userId, context.now, params))],
  ["im.recent.list", reading((state, context, params) => RecentRead.list(state, context.userId, context.now, params))],
  ["im.recent.pin", writing(Actions.pin)],
  ["im.recent.unread", writing(Actions.unread)],
  ["im.recent.hide", writing(Actions.hide)],
  ["im.message.add", writing(Actions.addMessage)],
  ["im.message.update", writing(MessageEdit.update)],
  ["im.message.delete", writing(MessageEdit.remove)],
  ["im.chat.add", writing(ChatMembership.add)],
  ["im.chat.leave", writing(ChatMembership.leave)],
  ["im.chat.mute", writing(ChatMembership.mute)],
  ["im.dialog.read", writing(Actions.read)],
  ["im.dialog.unread", writing(ReadState.unread)],
  ["im.dialog.read.all", writing(ReadState.readAll)],
  [
    "im.dialog.get",
    checkedReading((state, context, params) => DialogRead.get(state, context.userId, context.now, params))
  ],
  ["im.counters.get", reading((state, context, params) => DialogRead.counters(state, context.userId, params))]
])
