/**
 * `im.message.update`: changes the text (and attachment, keyboard, menu) of a message the caller sent.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { BooleanResponse } from "./RestResponse.js"
import { YesNo } from "./YesNo.js"

/**
 * The REST method name.
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "im.message.update"

/**
 * How long after sending a message its author may still edit it: 3 days (`259200` seconds in
 * `CIMMessenger::CheckPossibilityUpdateMessage`). Deleting has no such limit.
 *
 * @since 0.1.0
 * @category constants
 */
export const editWindowSeconds = 259_200

const JsonValue = Schema.Union(
  Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  Schema.Array(Schema.Unknown)
)

/**
 * An attachment, keyboard or menu: its JSON structure, or `"N"` (or `""`) to remove it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Replaceable = Schema.Union(Schema.Literal("N", ""), JsonValue).annotations({
  identifier: "MessageReplaceable"
})

/**
 * `MESSAGE_ID` (required); `MESSAGE`, the new text: `""` deletes the message, leaving it out keeps the
 * text; `ATTACH`, `KEYBOARD`, `MENU` ({@link Replaceable}); `URL_PREVIEW` (links to rich links, default
 * `Y`); `IS_EDITED` (mark as edited, default `Y`; applied to `ATTACH` changes).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({
  MESSAGE_ID: Schema.Int.pipe(Schema.positive()),
  MESSAGE: Schema.optionalWith(Schema.String, { exact: true }),
  ATTACH: Schema.optionalWith(Replaceable, { exact: true }),
  KEYBOARD: Schema.optionalWith(Replaceable, { exact: true }),
  MENU: Schema.optionalWith(Replaceable, { exact: true }),
  URL_PREVIEW: Schema.optionalWith(YesNo, { exact: true }),
  IS_EDITED: Schema.optionalWith(YesNo, { exact: true })
}).annotations({ identifier: "MessageUpdateParams" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Params extends Schema.Schema.Type<typeof Params> {}

/**
 * `{ result: true, time }`; a message the caller may not edit fails with `CANT_EDIT_MESSAGE` (403).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = BooleanResponse
