/**
 * `im.dialog.unread`: marks a message and everything after it unread again for the caller.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { DialogId } from "./DialogId.js"
import { BooleanResponse } from "./RestResponse.js"

/**
 * The REST method name.
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "im.dialog.unread"

/**
 * `DIALOG_ID` and `MESSAGE_ID`, the first message to count as unread (both required).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({
  DIALOG_ID: DialogId,
  MESSAGE_ID: Schema.Int.pipe(Schema.positive())
}).annotations({ identifier: "DialogUnreadParams" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Params extends Schema.Schema.Type<typeof Params> {}

/**
 * `{ result: true, time }` (also when nothing changed: the server does not say).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = BooleanResponse
