/**
 * `im.recent.unread`: sets or clears the manual "unread" mark of a dialog.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { DialogId } from "./DialogId.js"
import { BooleanResponse } from "./RestResponse.js"
import { YesNo } from "./YesNo.js"

/**
 * The REST method name.
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "im.recent.unread"

/**
 * `DIALOG_ID` (required) and `ACTION` (`Y` marks unread, `N` clears the mark and reads the dialog;
 * the server's default is `Y`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({
  DIALOG_ID: DialogId,
  ACTION: Schema.optionalWith(YesNo, { exact: true })
}).annotations({ identifier: "RecentUnreadParams" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Params extends Schema.Schema.Type<typeof Params> {}

/**
 * `{ result, time }`: `result` is `false` when no such dialog exists.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = BooleanResponse
