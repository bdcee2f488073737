/**
 * `im.message.delete`: deletes a message the caller sent. The message stays in the chat with the
 * portal's "This message has been deleted." text, so the recent item that shows it stays too.
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
export const method = "im.message.delete"

/**
 * `MESSAGE_ID` (required; `ID` is an alias).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({
  MESSAGE_ID: Schema.Int.pipe(Schema.positive())
}).annotations({ identifier: "MessageDeleteParams" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Params extends Schema.Schema.Type<typeof Params> {}

/**
 * `{ result: true, time }`; a message the caller may not delete fails with `CANT_EDIT_MESSAGE` (403).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = BooleanResponse
