/**
 * The success envelope of a REST call: `{ result, time }`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { ResponseTime } from "./ResponseTime.js"

/**
 * `{ result: A, time: ResponseTime }` for a given `result` schema.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <A, I, R>(result: Schema.Schema<A, I, R>) => Schema.Struct({ result, time: ResponseTime })

/**
 * `{ result: boolean, time }`: the answer of the special operations (`im.recent.pin`, `unread`, `hide`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const BooleanResponse = make(Schema.Boolean).annotations({ identifier: "BooleanResponse" })

/**
 * @since 0.1.0
 * @category models
 */
export interface BooleanResponse extends Schema.Schema.Type<typeof BooleanResponse> {}

/**
 * `{ result: A, time? }`: the envelope as documents from before 2026 show it, often without `time`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeLegacy = <A, I, R>(result: Schema.Schema<A, I, R>) =>
  Schema.Struct({ result, time: Schema.optionalWith(ResponseTime, { exact: true }) })
