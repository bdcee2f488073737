/**
 * The REST methods the emulated portal answers, by lower-case name, each in the `im` scope: the recent list
 * (`im.recent.get`, `im.recent.list`, `im.recent.pin`, `im.recent.unread`, `im.recent.hide`), its neighbours
 * (`im.dialog.get`, `im.dialog.read`, `im.counters.get`) and `im.message.add`, which makes the list move.
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
import * as DialogRead from "./DialogRead.js"
import type { CallContext, Method, MethodError } from "./Portal.js"
import type { PortalState } from "./PortalState.js"
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
  ["im.recent.get", reading((state, context, params) => RecentRead.get(state, context.userId, context.now, params))],
  ["im.recent.list", reading((state, context, params) => RecentRead.list(state, context.userId, context.now, params))],
  ["im.recent.pin", writing(Actions.pin)],
  ["im.recent.unread", writing(Actions.unread)],
  ["im.recent.hide", writing(Actions.hide)],
  ["im.message.add", writing(Actions.addMessage)],
  ["im.dialog.read", writing(Actions.read)],
  [
    "im.dialog.get",
    checkedReading((state, context, params) => DialogRead.get(state, context.userId, context.now, params))
  ],
  ["im.counters.get", reading((state, context, params) => DialogRead.counters(state, context.userId, params))]
])
