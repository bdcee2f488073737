/**
 * `batch`: up to 50 calls in one HTTP request.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { ErrorEnvelope } from "./ErrorEnvelope.js"
import { EmptyArray } from "./internal/wire.js"
import { ResponseTime } from "./ResponseTime.js"
import * as RestResponse from "./RestResponse.js"

/**
 * The REST method name.
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "batch"

/**
 * The most commands one batch may carry.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxCommands = 50

/**
 * `cmd`: command name -> `"method?query"`, and `halt` (stop at the first failure; default off).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({
  cmd: Schema.Union(Schema.Record({ key: Schema.String, value: Schema.String }), Schema.Array(Schema.String)),
  halt: Schema.optionalWith(Schema.Union(Schema.Boolean, Schema.Literal(0, 1, "0", "1", "Y", "N")), { exact: true })
}).annotations({ identifier: "BatchParams" })

/**
 * A per-command section: keyed by command name, `[]` when empty, and a plain list when the command
 * names were `0`, `1`, … (PHP turns such arrays into lists). Kept as it came.
 *
 * @since 0.1.0
 * @category constructors
 */
export const section = <A, I, R>(value: Schema.Schema<A, I, R>) =>
  Schema.Union(EmptyArray, Schema.Array(value), Schema.Record({ key: Schema.String, value }))

/**
 * The `time` of one command: like the envelope's, without the operating fields in older builds.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CommandTime = ResponseTime

/**
 * The batch `result`: `result`, `result_error`, `result_total`, `result_next` and `result_time`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Result = Schema.Struct({
  result: section(Schema.Unknown),
  result_error: Schema.optionalWith(section(ErrorEnvelope), { exact: true }),
  result_total: Schema.optionalWith(section(Schema.Finite), { exact: true }),
  result_next: Schema.optionalWith(section(Schema.Union(Schema.Finite, Schema.String)), { exact: true }),
  result_time: Schema.optionalWith(section(CommandTime), { exact: true })
}).annotations({ identifier: "BatchResult" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Result extends Schema.Schema.Type<typeof Result> {}

/**
 * The HTTP 200 body (a batch as a whole always answers 200).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = RestResponse.makeLegacy(Result).annotations({ identifier: "BatchResponse" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Response extends Schema.Schema.Type<typeof Response> {}

/**
 * The entries of a section as `[commandName, value]` pairs, whichever form it came in.
 *
 * @since 0.1.0
 * @category getters
 */
export const entries = <A>(
  self: readonly [] | ReadonlyArray<A> | { readonly [name: string]: A }
): ReadonlyArray<readonly [string, A]> =>
  Array.isArray(self) ? self.map((value, index) => [`${index}`, value] as const) : Object.entries(self)
