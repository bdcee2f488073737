/**
 * `im.chat.mute`: turns a chat's notifications off or on for the caller. A muted chat's unread count
 * moves from `CHAT` to `CHAT_MUTED` in `im.counters.get` and its recent item gets the caller in
 * `chat.mute_list`.
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
export const method = "im.chat.mute"

/**
 * `DIALOG_ID` (any dialog: `chatN`, `sgN` or a user id, whose private chat is muted) or `CHAT_ID`;
 * `ACTION` (alias `MUTE`): only `N` unmutes, anything else mutes.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({
  DIALOG_ID: Schema.optionalWith(DialogId, { exact: true }),
  CHAT_ID: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { exact: true }),
  ACTION: Schema.optionalWith(YesNo, { exact: true })
}).annotations({ identifier: "ChatMuteParams" })

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
