/**
 * `im.dialog.read.all`: reads every dialog and chat of the caller (notifications stay unread) and
 * clears every manual "unread" mark.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { BooleanResponse } from "./RestResponse.js"

/**
 * The REST method name.
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "im.dialog.read.all"

/**
 * No parameters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({}).annotations({ identifier: "DialogReadAllParams" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Params extends Schema.Schema.Type<typeof Params> {}

/**
 * `{ result: true, time }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = BooleanResponse
