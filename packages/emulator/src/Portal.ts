/**
 * The emulated portal's engine: its state and the REST methods that read and change it.
 *
 * The HTTP surface authenticates a caller, then dispatches `method.handler(context, params)`;
 * everything below that line is the server's own behaviour, independent of transport.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type { PortalState } from "./PortalState.js"

/**
 * Who is calling, when (server time), and the state the call reads and changes.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallContext {
  readonly userId: number
  readonly now: DateTime.Utc
  readonly state: SynchronizedRef.SynchronizedRef<PortalState>
}

/**
 * A method's own error: the documented code, its text and the HTTP status the server answers with.
 *
 * @since 0.1.0
 * @category errors
 */
export class MethodError extends Schema.TaggedError<MethodError>("@im-recent/emulator/MethodError")("MethodError", {
  code: Schema.String,
  description: Schema.String,
  status: Schema.Int
}) {}

/**
 * One REST method: the scope it needs (`im`, …) and its handler. Parameters arrive as the server
 * sees them after parsing the request (names as sent, values strings, numbers, booleans, arrays or
 * nested records); the result is JSON-ready and becomes the envelope's `result`. A result object
 * with `next` / `total` keys has them hoisted to the envelope, as `CRestServer::processResponse`
 * does for `im.recent.list`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Method {
  readonly scope: string
  readonly handler: (
    context: CallContext,
    params: Readonly<Record<string, unknown>>
  ) => Effect.Effect<unknown, MethodError>
}

/**
 * The engine's surface.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The live state; methods change it atomically. */
  readonly state: SynchronizedRef.SynchronizedRef<PortalState>
  /** Every method the portal answers, by lower-case name. */
  readonly methods: ReadonlyMap<string, Method>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Portal extends Context.Tag("@im-recent/emulator/Portal")<Portal, Service>() {}

/**
 * A portal holding `initial`, answering `methods`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (initial: PortalState, methods: ReadonlyMap<string, Method>): Effect.Effect<Service> =>
  Effect.map(SynchronizedRef.make(initial), (state) => ({ state, methods }))

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (initial: PortalState, methods: ReadonlyMap<string, Method>): Layer.Layer<Portal> =>
  Layer.effect(Portal, make(initial, methods))
