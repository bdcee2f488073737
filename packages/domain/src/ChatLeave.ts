/**
 * `im.chat.leave`: the caller leaves a chat. The chat leaves their recent list (and, for a closed
 * chat, `im.dialog.get` then answers `ACCESS_ERROR`); the other members of a group chat see a
 * "left the chat" message.
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
export const method = "im.chat.leave"

/**
 * `CHAT_ID` (the server also reads a `DIALOG_ID` of the form `chatN`, which wins when both are sent).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({
  CHAT_ID: Schema.Int.pipe(Schema.positive())
}).annotations({ identifier: "ChatLeaveParams" })

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
